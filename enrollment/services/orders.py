"""Orders of enrolment, of expulsion, and of completion with the documents
issued: drafted for a group from the applications ready for them, signed
(numbered per year without gaps, printed, and every listed application moved
in one transaction), replaced but never deleted.

Signing checks every person again under the locks: if one is not ready, the
order is refused with each person's reason and nothing changes. A replacement
lists the same people as the order it replaces and moves nobody: it corrects
the paper (its date, its ground), and the order it replaces is kept, marked
replaced.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import audit_as
from programs.models import CENTRE_PK, Centre, DocumentKind

from .. import papers
from ..models import (
    Application,
    ApplicationStatus,
    Completion,
    Order,
    OrderLine,
    PaperCounter,
)
from .files import check_file
from .numbering import next_number
from .order_paper import order_context
from .readiness import Readiness, readiness
from .seats import lock_application, lock_cohort, settle
from .status import Actor, change_status

S = ApplicationStatus
# What each kind of order does to the people it lists.
MOVES: dict[str, str] = {
    Order.Kind.ENROLMENT: S.ENROLLED,
    Order.Kind.EXPULSION: S.EXPELLED,
    Order.Kind.COMPLETION: S.COMPLETED,
}
EXCEPTION_LENGTH = 500
# The orders that may issue documents: completion always, expulsion a
# certificate of study when staff number them.
ISSUES_DOCUMENTS = (Order.Kind.COMPLETION, Order.Kind.EXPULSION)


@dataclass(frozen=True)
class Numbering:
    """How the documents of an order of completion are numbered: in the
    alphabetical order of the people, from the first numbers given."""

    first_registration_number: int
    registration_prefix: str = ""
    blank_series: str = ""
    first_blank_number: int | None = None
    qualification: str = ""

    def lines(self, order: Order, listed: list[Application]) -> list[OrderLine]:
        people = sorted(
            listed,
            key=lambda a: (
                a.applicant.last_name,
                a.applicant.first_name,
                a.applicant.patronymic,
                a.pk,
            ),
        )
        prefix = self.registration_prefix.strip()
        return [
            OrderLine(
                order=order,
                application=a,
                registration_number=f"{prefix}{self.first_registration_number + i}",
                blank_series=self.blank_series.strip(),
                blank_number=(
                    str(self.first_blank_number + i)
                    if self.first_blank_number is not None
                    else ""
                ),
                qualification=self.qualification.strip(),
            )
            for i, a in enumerate(people)
        ]


def _numbers_taken(numbers: list[str], *, but: Order | None = None) -> list[str]:
    """Which of ``numbers`` an issued document or another live order holds."""
    taken = set(
        Completion.objects.filter(registration_number__in=numbers).values_list(
            "registration_number", flat=True
        )
    )
    lines = OrderLine.objects.filter(
        registration_number__in=numbers,
        order__state__in=[Order.State.DRAFT, Order.State.SIGNED],
    )
    if but is not None:
        lines = lines.exclude(order=but).exclude(order=but.replaces_id)
    taken.update(lines.values_list("registration_number", flat=True))
    return sorted(taken)


def _taken_refusal(numbers: list[str]) -> ValidationError:
    return ValidationError(
        gettext("Registration numbers already used: %(numbers)s.")
        % {"numbers": ", ".join(numbers)},
        code="registration_number_taken",
    )


def _refusal(problems: dict[Application, Readiness]) -> ValidationError:
    return ValidationError(
        [
            gettext("%(person)s: %(reasons)s.")
            % {"person": a.applicant.full_name, "reasons": "; ".join(r.all)}
            + ("" if r.hard else " " + gettext("To list them anyway, give the reason."))
            for a, r in problems.items()
        ],
        code="not_ready",
    )


def _exceptions(
    kind: str, listed: list[Application], *, on: datetime.date, reason: str
) -> tuple[dict[Application, Readiness], dict[int, str]]:
    """Who cannot be listed, and what is listed despite the checklist (with
    staff's ``reason``) for each person listed so."""
    problems: dict[Application, Readiness] = {}
    excepted: dict[int, str] = {}
    for application in listed:
        found = readiness(kind, application, on=on)
        if found.hard or (found.soft and not reason):
            problems[application] = found
        elif found.soft:
            excepted[application.pk] = f"{'; '.join(found.soft)}: {reason}"[
                :EXCEPTION_LENGTH
            ]
    return problems, excepted


def draft_order(
    *,
    cohort_id: int,
    kind: str,
    applications: Iterable[Application],
    dated: datetime.date,
    actor: Actor,
    ground: str = "",
    numbering: Numbering | None = None,
    reason: str = "",
) -> Order:
    """Draft an order for a group listing ``applications``; an order of
    completion numbers each person's document by ``numbering``, and so does
    an expulsion that issues certificates of study. With staff's ``reason``,
    people whose checklist is not complete are listed anyway, each line
    keeping what was missing and why.

    Raises ValidationError when nobody is listed, a person is of another
    group or not ready (each with the reason; those a reason would let in say
    so), an expulsion has no ground, or a completion has no numbering or
    numbers already used.
    """
    applications = list(applications)
    if not applications:
        raise ValidationError(_("Choose at least one person."), code="empty")
    if kind == Order.Kind.EXPULSION and not ground:
        raise ValidationError({"ground": _("Choose the ground.")}, code="ground")
    if kind == Order.Kind.COMPLETION and numbering is None:
        raise ValidationError(
            {
                "first_registration_number": _(
                    "Give the registration number of the first document."
                )
            },
            code="numbering",
        )
    with transaction.atomic(durable=True):
        cohort = lock_cohort(cohort_id)
        listed = list(
            Application.objects.filter(pk__in=[a.pk for a in applications])
            .select_related("applicant", "stream", "cohort")
            .order_by("pk")
        )
        if any(a.cohort_id != cohort.pk for a in listed):
            raise ValidationError(
                _("Everyone in an order is of its group."), code="group"
            )
        problems, excepted = _exceptions(kind, listed, on=dated, reason=reason.strip())
        if problems:
            raise _refusal(problems)
        order = Order.objects.create(
            cohort=cohort,
            kind=kind,
            ground=ground if kind == Order.Kind.EXPULSION else "",
            dated=dated,
            created_by=actor.staff_user(),
        )
        if numbering is not None and kind in ISSUES_DOCUMENTS:
            lines = numbering.lines(order, listed)
            taken = _numbers_taken([line.registration_number for line in lines])
            if taken:
                raise _taken_refusal(taken)
        else:
            lines = [OrderLine(order=order, application=a) for a in listed]
        for line in lines:
            line.exception = excepted.get(line.application.pk, "")
        OrderLine.objects.bulk_create(lines)
    return order


def draft_replacement(*, order: Order, dated: datetime.date, actor: Actor) -> Order:
    """Draft an order replacing a signed one: the same kind, group, ground and
    people (with their documents' numbers), a new date; signing it marks the
    old order replaced and moves nobody.

    Raises ValidationError for an order not signed or already being replaced.
    """
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.state != Order.State.SIGNED:
            raise ValidationError(
                _(
                    "Only a signed order is replaced; a draft is changed by discarding it."
                ),
                code="not_signed",
            )
        if Order.objects.filter(replaces=order).exists():
            raise ValidationError(
                _("This order already has a replacement."), code="has_replacement"
            )
        replacement = Order.objects.create(
            cohort_id=order.cohort_id,
            kind=order.kind,
            ground=order.ground,
            dated=dated,
            replaces=order,
            created_by=actor.staff_user(),
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=replacement,
                application_id=line.application_id,
                registration_number=line.registration_number,
                blank_series=line.blank_series,
                blank_number=line.blank_number,
                qualification=line.qualification,
            )
            for line in order.lines.all()
        )
    return replacement


def sign_order(*, order: Order, actor: Actor) -> Order:
    """Sign a draft: give it the next number of its year, print it, and move
    every listed application (enrolled, expelled, or completed with its
    document recorded) in one transaction, each step in the history with the
    order's number. A replacement moves nobody and marks the order it
    replaces as replaced.

    Raises ValidationError for an order already signed, missing centre's
    details, anyone no longer ready, or a document's number taken meanwhile
    (nothing changes then).
    """
    try:
        return _sign(order, actor)
    except IntegrityError as error:
        # Another order issued one of these documents' numbers first.
        numbers = list(
            order.lines.exclude(registration_number="").values_list(
                "registration_number", flat=True
            )
        )
        taken = _numbers_taken(numbers, but=order)
        if taken:
            raise _taken_refusal(taken) from error
        raise


def _sign(order: Order, actor: Actor) -> Order:
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.state != Order.State.DRAFT:
            raise ValidationError(_("This order is already signed."), code="signed")
        centre = Centre.objects.filter(pk=CENTRE_PK).first()
        if centre is None:
            raise ValidationError(
                _("Fill in the centre's details first."), code="no_centre"
            )
        cohort = lock_cohort(order.cohort_id)
        lines = {
            line.application_id: line for line in order.lines.order_by("application_id")
        }
        listed = [lock_application(pk) for pk in lines]
        replaced = None
        if order.replaces_id is not None:
            replaced = Order.objects.select_for_update().get(pk=order.replaces_id)
            if replaced.state != Order.State.SIGNED:
                raise ValidationError(
                    _("The order it replaces is no longer in force."),
                    code="replaced",
                )
        else:
            problems = {
                a: found
                for a in listed
                if (found := readiness(order.kind, a, on=order.dated)).hard
                or (found.soft and not lines[a.pk].exception)
            }
            if problems:
                raise _refusal(problems)
            numbers = [
                line.registration_number
                for line in lines.values()
                if line.registration_number
            ]
            if numbers and (taken := _numbers_taken(numbers, but=order)):
                raise _taken_refusal(taken)
        order.year = order.dated.year
        order.number = next_number(PaperCounter.Kind.ORDER, order.year)
        order.state = Order.State.SIGNED
        order.signed_at = timezone.now()
        order.signed_by = actor.staff_user()
        pdf = papers.render_pdf(
            "papers/order.html",
            order_context(order, centre, listed, lines, replaced),
        )
        order.sha256 = papers.sha256(pdf)
        order.pdf.save(
            f"order-{order.year}-{order.number:04d}.pdf", ContentFile(pdf), save=False
        )
        order.save()
        if replaced is not None:
            replaced.state = Order.State.REPLACED
            audit_as(
                replaced,
                actor.user,
                gettext("replaced by order № %(number)s")
                % {"number": order.display_number},
            )
            replaced.save(update_fields=["state"])
            return order
        comment = gettext("Order № %(number)s of %(date)s") % {
            "number": order.display_number,
            "date": order.dated.strftime("%d.%m.%Y"),
        }
        now = timezone.now()
        for application in listed:
            exception = lines[application.pk].exception
            change_status(
                application,
                MOVES[order.kind],
                actor=actor,
                comment=(
                    f"{comment}; {gettext('listed despite')} {exception}"
                    if exception
                    else comment
                ),
                now=now,
            )
        if any(line.registration_number for line in lines.values()):
            _record_documents(order, listed, lines, actor)
        settle(cohort, now=now)
    return order


def _record_documents(
    order: Order,
    listed: list[Application],
    lines: dict[int, OrderLine],
    actor: Actor,
) -> None:
    """The documents an order issues: the program's on completion, a
    certificate of study (справка об обучении) on expulsion."""
    program = order.cohort.program
    kind = (
        program.document_kind
        if order.kind == Order.Kind.COMPLETION
        else DocumentKind.STUDY_CERTIFICATE
    )
    Completion.objects.bulk_create(
        Completion(
            application=application,
            document_kind=kind,
            registration_number=lines[application.pk].registration_number,
            blank_series=lines[application.pk].blank_series,
            blank_number=lines[application.pk].blank_number,
            issued_on=order.dated,
            qualification=(
                lines[application.pk].qualification
                or (
                    program.qualification if order.kind == Order.Kind.COMPLETION else ""
                )
            ),
            recorded_by=actor.staff_user(),
        )
        for application in listed
    )


def discard_draft(*, order: Order) -> None:
    """Delete a draft nobody signed (a signed order is only ever replaced)."""
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.state != Order.State.DRAFT:
            raise ValidationError(
                _("A signed order is never deleted: draft a new one to replace it."),
                code="signed",
            )
        order.delete()


def attach_signed_scan(*, order: Order, upload: UploadedFile, actor: Actor) -> Order:
    """Keep the scan of a signed order with its signature; once.

    Raises ValidationError for a draft, a scan already kept, or a file that is
    not a PDF or a picture.
    """
    kind = check_file(upload)
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.state != Order.State.SIGNED:
            raise ValidationError(
                _("Only a signed order has a signed scan."), code="not_signed"
            )
        if order.signed_scan:
            raise ValidationError(
                _("The signed scan of this order is already kept."), code="has_scan"
            )
        extension = {"image/jpeg": ".jpg", "image/png": ".png"}.get(kind, ".pdf")
        order.signed_scan.save(
            f"order-{order.year}-{order.number:04d}-signed{extension}",
            ContentFile(upload.read()),
            save=False,
        )
        audit_as(order, actor.user, str(_("signed scan kept")))
        order.save(update_fields=["signed_scan"])
    return order
