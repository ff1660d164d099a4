"""Orders of enrolment and expulsion: drafted for a group from the applications
ready for them, signed (numbered per year without gaps, printed, and every
listed application moved in one transaction), replaced but never deleted.

Signing checks every person again under the locks: if one is not ready, the
order is refused with each person's reason and nothing changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import audit_as
from core.russian import Case, full_name_in_case
from programs.models import CENTRE_PK, Centre, ProgramKind

from .. import papers
from ..models import (
    Application,
    ApplicationStatus,
    Contract,
    ContractState,
    Order,
    OrderLine,
    PaperCounter,
)
from ..selectors import document_checklist, payment_status
from .contract_terms import SUBJECT, ru_date
from .files import check_file
from .numbering import next_number
from .seats import lock_application, lock_cohort, settle
from .status import Actor, change_status

S = ApplicationStatus
# What each kind of order does to the people it lists.
MOVES: dict[str, str] = {
    Order.Kind.ENROLMENT: S.ENROLLED,
    Order.Kind.EXPULSION: S.EXPELLED,
}
GROUND_TEXT: dict[str, str] = {
    Order.Ground.REQUEST: "по собственному желанию (заявление обучающегося)",
    Order.Ground.FAILURE: "в связи с невыполнением учебного плана",
}


def not_ready(
    order_kind: str, application: Application, *, on: datetime.date
) -> list[str]:
    """Why ``application`` cannot be listed in an order of ``order_kind`` dated
    ``on``; an empty list when it can."""
    reasons: list[str] = []
    if order_kind == Order.Kind.EXPULSION:
        if application.status not in (S.ENROLLED, S.STUDYING):
            reasons.append(gettext("not a learner of the group"))
        return reasons
    if application.status != S.OFFERED or application.offer_has_expired():
        reasons.append(gettext("holds no seat offer"))
    if not application.applicant.snils:
        reasons.append(gettext("no СНИЛС"))
    missing = [
        item.label
        for item in document_checklist(application)
        if item.required and item.state != "verified"
    ]
    if missing:
        reasons.append(
            gettext("documents not checked: %(kinds)s") % {"kinds": ", ".join(missing)}
        )
    if application.stream.requires_contract:
        contract = application.contracts.filter(state=ContractState.CHECKED).first()
        if contract is None:
            reasons.append(gettext("no signed contract checked by staff"))
        elif payment_status(contract, on).state == "overdue":
            reasons.append(gettext("a payment under the contract is overdue"))
    if on > application.cohort.starts_on:
        reasons.append(gettext("the order is dated after the group starts"))
    return reasons


def _refusal(problems: dict[Application, list[str]]) -> ValidationError:
    return ValidationError(
        [
            gettext("%(person)s: %(reasons)s.")
            % {"person": a.applicant.full_name, "reasons": "; ".join(r)}
            for a, r in problems.items()
        ],
        code="not_ready",
    )


def draft_order(
    *,
    cohort_id: int,
    kind: str,
    applications: Iterable[Application],
    dated: datetime.date,
    actor: Actor,
    ground: str = "",
) -> Order:
    """Draft an order for a group listing ``applications``.

    Raises ValidationError when nobody is listed, a person is of another
    group or not ready (each with the reason), or an expulsion has no ground.
    """
    applications = list(applications)
    if not applications:
        raise ValidationError(_("Choose at least one person."), code="empty")
    if kind == Order.Kind.EXPULSION and not ground:
        raise ValidationError({"ground": _("Choose the ground.")}, code="ground")
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
        problems = {a: r for a in listed if (r := not_ready(kind, a, on=dated))}
        if problems:
            raise _refusal(problems)
        order = Order.objects.create(
            cohort=cohort,
            kind=kind,
            ground=ground if kind == Order.Kind.EXPULSION else "",
            dated=dated,
            created_by=actor.staff_user(),
        )
        OrderLine.objects.bulk_create(
            OrderLine(order=order, application=a) for a in listed
        )
    return order


def sign_order(*, order: Order, actor: Actor) -> Order:
    """Sign a draft: give it the next number of its year, print it, and move
    every listed application (enrolled or expelled) in one transaction, each
    step in the history with the order's number.

    Raises ValidationError for an order already signed, missing centre's
    details, or anyone no longer ready (nothing changes then).
    """
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
        listed = [
            lock_application(pk)
            for pk in order.lines.order_by("application_id").values_list(
                "application_id", flat=True
            )
        ]
        problems = {
            a: r for a in listed if (r := not_ready(order.kind, a, on=order.dated))
        }
        if problems:
            raise _refusal(problems)
        order.year = order.dated.year
        order.number = next_number(PaperCounter.Kind.ORDER, order.year)
        order.state = Order.State.SIGNED
        order.signed_at = timezone.now()
        order.signed_by = actor.staff_user()
        pdf = papers.render_pdf(
            "papers/order.html", _order_context(order, centre, listed)
        )
        order.sha256 = papers.sha256(pdf)
        order.pdf.save(
            f"order-{order.year}-{order.number:04d}.pdf", ContentFile(pdf), save=False
        )
        order.save()
        comment = gettext("Order № %(number)s of %(date)s") % {
            "number": order.display_number,
            "date": order.dated.strftime("%d.%m.%Y"),
        }
        now = timezone.now()
        for application in listed:
            change_status(
                application, MOVES[order.kind], actor=actor, comment=comment, now=now
            )
        settle(cohort, now=now)
    return order


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


def _order_context(order: Order, centre: Centre, listed: list[Application]) -> dict:
    program = order.cohort.program
    level, name_of_kind = SUBJECT[ProgramKind(program.kind)]
    people = []
    contracts = {
        c.application_id: c
        for c in Contract.objects.filter(
            application__in=listed, state=ContractState.CHECKED
        )
    }
    for a in sorted(
        listed, key=lambda a: (a.applicant.last_name, a.applicant.first_name)
    ):
        p = a.applicant
        contract = contracts.get(a.pk)
        people.append(
            {
                "name": full_name_in_case(
                    p.last_name,
                    p.first_name,
                    p.patronymic,
                    sex=p.sex,
                    case=Case.NOMINATIVE,
                ),
                "birth_date": p.birth_date.strftime("%d.%m.%Y"),
                "stream": a.stream.name,
                "contract": contract.display_number if contract else "",
            }
        )
    return {
        "order": {
            "number": order.display_number,
            "date": ru_date(order.dated),
            "kind": order.kind,
            "ground": GROUND_TEXT.get(order.ground, ""),
        },
        "centre": {
            "full_name": centre.full_name,
            "position": centre.signatory_position,
            "initials": centre.signatory_initials,
        },
        "program": {
            "title": program.title,
            "level": level,
            "kind": name_of_kind,
            "hours": program.hours,
        },
        "cohort": {
            "code": order.cohort.code,
            "starts_on": ru_date(order.cohort.starts_on),
            "ends_on": ru_date(order.cohort.ends_on),
        },
        "people": people,
    }


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
