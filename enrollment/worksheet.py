"""What an application still needs, the next step staff take, and the day's
queues of work: read from the records, never changed here (the back office
shows them, the services enforce the rules).

Each line of the checklist says what it is about, where it stands in words,
and whether it is done; the next step is the one action that moves the
application on, with why.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from core.identifiers import format_snils

from .models import (
    ACTIVE_STATUSES,
    Application,
    ApplicationStatus,
    ConsentText,
    Contract,
    ContractState,
    Document,
    Payment,
)
from .models.contracts import LIVE_CONTRACT_STATES
from .selectors import (
    document_checklist,
    payment_status,
    waitlist_position,
)

S = ApplicationStatus
DOCUMENT_STATES = {
    "verified": ("done", pgettext_lazy("document", "checked")),
    "pending": ("todo", gettext_lazy("uploaded, to check")),
    "rejected": ("problem", gettext_lazy("rejected, a new one awaited")),
    "missing": ("problem", gettext_lazy("not uploaded")),
}


@dataclass(frozen=True)
class Line:
    """One thing the application needs: ``state`` is "done", "todo" (staff's
    move) or "problem" (waits for the applicant, or is wrong)."""

    key: str  # "document", "snils", "consent", "offer", "contract", "payment"
    label: str
    text: str
    state: str
    document: Document | None = None

    @property
    def done(self) -> bool:
        return self.state == "done"


@dataclass(frozen=True)
class NextStep:
    """The action that moves the application on: a staff action's name, a
    page (``url_name`` with the application's or a document's id) or none."""

    text: str
    action: str = ""
    label: str = ""
    document: Document | None = None
    page: str = ""


@dataclass(frozen=True)
class Worksheet:
    lines: list[Line]
    next_step: NextStep
    contract: Contract | None
    waiting_since: datetime.datetime

    @property
    def done(self) -> int:
        return sum(line.done for line in self.lines)


def worksheet(
    application: Application, *, now: datetime.datetime | None = None
) -> Worksheet:
    """The checklist and the next step of ``application`` as of ``now``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    lines: list[Line] = []
    for item in document_checklist(application):
        if not item.required:
            continue
        state, text = DOCUMENT_STATES[item.state]
        pending = next(
            (d for d in item.documents if d.status == Document.Status.PENDING), None
        )
        lines.append(Line("document", item.label, str(text), state, pending))
    applicant = application.applicant
    lines.append(
        Line(
            "snils",
            _("СНИЛС"),
            format_snils(applicant.snils)
            if applicant.snils
            else pgettext("snils", "not given"),
            "done" if applicant.snils else "problem",
        )
    )
    consent = applicant.consents.filter(
        text__kind=ConsentText.Kind.PROCESSING, withdrawn_at__isnull=True
    ).exists()
    lines.append(
        Line(
            "consent",
            _("Consent to the processing of personal data"),
            pgettext("consent", "given") if consent else _("not given or withdrawn"),
            "done" if consent else "problem",
        )
    )
    if application.status == S.OFFERED:
        if application.offer_accepted_at:
            offer = Line(
                "offer",
                pgettext("worksheet", "Seat offer"),
                pgettext("offer", "accepted"),
                "done",
            )
        elif application.offer_has_expired(now):
            offer = Line(
                "offer",
                pgettext("worksheet", "Seat offer"),
                pgettext("offer", "expired"),
                "problem",
            )
        else:
            offer = Line(
                "offer",
                pgettext("worksheet", "Seat offer"),
                _("not answered yet; open until %(date)s")
                % {
                    "date": timezone.localtime(application.offer_expires_at).strftime(
                        "%d.%m.%Y %H:%M"
                    )
                },
                "problem",
            )
        lines.append(offer)
    contract = None
    if application.stream.requires_contract:
        contract = (
            application.contracts.filter(state__in=LIVE_CONTRACT_STATES)
            .prefetch_related("payments")
            .first()
        )
        lines.append(_contract_line(contract))
        if contract is not None and contract.price > 0:
            status = payment_status(contract, today)
            lines.append(
                Line(
                    "payment",
                    _("Payment"),
                    f"{status.label}: {status.paid_text} / {status.price_text} ₽",
                    {"paid": "done", "overdue": "problem"}.get(status.state, "todo"),
                )
            )
    return Worksheet(
        lines=lines,
        next_step=_next_step(application, lines, contract, now),
        contract=contract,
        waiting_since=application.status_changed_at or application.submitted_at,
    )


def _contract_line(contract: Contract | None) -> Line:
    if contract is None:
        return Line(
            "contract", pgettext("worksheet", "Contract"), _("not prepared"), "todo"
        )
    state = {
        "prepared": "todo",
        "sent": "problem",  # the applicant signs it
        "signed": "todo",  # staff check the signed copy
        "checked": "done",
    }[contract.state]
    return Line(
        "contract",
        pgettext("worksheet", "Contract"),
        f"№ {contract.display_number}: {contract.get_state_display()}",
        state,
    )


def _next_step(
    application: Application,
    lines: list[Line],
    contract: Contract | None,
    now: datetime.datetime,
) -> NextStep:
    status = application.status
    to_check = next((line.document for line in lines if line.document), None)
    if status == S.SUBMITTED:
        return NextStep(
            _("A new application: look it over and take it into review."),
            action="take_into_review",
            label=_("Take into review"),
        )
    if status in (S.IN_REVIEW, S.OFFERED) and to_check is not None:
        return NextStep(
            _("A document waits for staff to check it."),
            document=to_check,
            label=pgettext("next step", "Check the document"),
        )
    if status == S.IN_REVIEW:
        return NextStep(
            _(
                "Reviewed: offer a seat, or a place in the queue when the group is full."
            ),
            action="accept",
            label=_("Accept: offer a seat or the waiting list"),
        )
    if status == S.WAITLISTED:
        return NextStep(
            _(
                "Waiting for a seat: number %(position)s in the queue. The seat is "
                "offered by itself when one is free."
            )
            % {"position": waitlist_position(application)}
        )
    if status == S.OFFERED:
        return _offered_step(application, lines, contract, now)
    if status == S.ENROLLED:
        if timezone.localdate(now) >= application.cohort.starts_on:
            return NextStep(
                _("The group has started: mark the learner as studying."),
                action="start_studies",
                label=_("Start studies"),
            )
        return NextStep(
            _("Enrolled. Classes start on %(date)s.")
            % {"date": application.cohort.starts_on.strftime("%d.%m.%Y")}
        )
    if status == S.STUDYING:
        return NextStep(
            _(
                "Studying until %(date)s; on finishing, the order of completion issues "
                "the documents."
            )
            % {"date": application.cohort.ends_on.strftime("%d.%m.%Y")},
            action="complete",
            label=_("Order of completion and issue of documents"),
        )
    return NextStep(_("The application needs nothing more from staff."))


def _offered_step(
    application: Application,
    lines: list[Line],
    contract: Contract | None,
    now: datetime.datetime,
) -> NextStep:
    if application.offer_has_expired(now):
        return NextStep(_("The offer has expired: the seat goes to the next person."))
    if application.stream.requires_contract:
        if contract is None:
            return NextStep(
                _("The seat is under a contract: prepare it."),
                page="admin:enrollment_contract_prepare",
                label=_("Prepare a contract"),
            )
        overdue = any(
            line.state == "problem" for line in lines if line.key == "payment"
        )
        if contract.state != "checked" or overdue:
            text = {
                "prepared": _("The contract is prepared: check it and send it."),
                "sent": _("The contract is with the applicant, to sign and upload."),
                "signed": _("The applicant uploaded the signed copy: check it."),
            }.get(contract.state, _("A payment under the contract is overdue."))
            return NextStep(
                text,
                page="admin:enrollment_contract_change",
                label=pgettext("next step", "Open the contract"),
            )
    missing = [line.label for line in lines if not line.done]
    text = (
        _("Everything is in place: the order of enrolment is next.")
        if not missing
        else _(
            "Still missing: %(what)s. The order of enrolment lists the "
            "person only once it is in place, or with a reason."
        )
        % {"what": ", ".join(missing)}
    )
    return NextStep(text, action="enrol", label=_("Order of enrolment"))


# --- The day's queue -------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    count: int


def _queues(now: datetime.datetime) -> dict[str, tuple[Any, Q]]:
    """Each queue of the day: its label and the filter of its applications."""
    pending = Document.objects.filter(
        application=OuterRef("pk"), status=Document.Status.PENDING
    )
    paid = Payment.objects.filter(contract=OuterRef("pk")).values("contract")
    paid_sum = paid.annotate(
        total=Sum(
            Case(
                When(kind="payment", then=F("amount")),
                default=-F("amount"),
            )
        )
    ).values("total")
    unpaid = Contract.objects.filter(
        application=OuterRef("pk"), state=ContractState.CHECKED, price__gt=0
    ).annotate(paid=Coalesce(Subquery(paid_sum), Value(Decimal(0))))
    return {
        "review": (gettext_lazy("New applications to review"), Q(status=S.SUBMITTED)),
        "documents": (
            gettext_lazy("Documents to check"),
            Q(status__in=ACTIVE_STATUSES) & Q(Exists(pending)),
        ),
        "offers": (
            gettext_lazy("Offers expiring within 24 hours"),
            Q(
                status=S.OFFERED,
                offer_accepted_at__isnull=True,
                offer_expires_at__gt=now,
                offer_expires_at__lte=now + datetime.timedelta(hours=24),
            ),
        ),
        "signature": (
            gettext_lazy("Contracts awaiting a signature or a check"),
            Q(status__in=ACTIVE_STATUSES)
            & Q(
                Exists(
                    Contract.objects.filter(
                        application=OuterRef("pk"),
                        state__in=[ContractState.SENT, ContractState.SIGNED],
                    )
                )
            ),
        ),
        "payment": (
            gettext_lazy("Contracts awaiting payment"),
            Q(status__in=ACTIVE_STATUSES)
            & Q(Exists(unpaid.filter(paid__lt=F("price")))),
        ),
    }


QUEUE_KEYS = ("review", "documents", "offers", "signature", "payment")


def queue_filter(key: str, now: datetime.datetime | None = None) -> Q:
    """The applications of the day's queue ``key``."""
    return _queues(now or timezone.now())[key][1]


def queue_label(key: str) -> str:
    return str(_queues(timezone.now())[key][0])


def work_queue(now: datetime.datetime | None = None) -> list[Queue]:
    """How many applications wait in each queue of the day."""
    now = now or timezone.now()
    queues = _queues(now)
    counts = Application.objects.aggregate(
        **{key: Count("pk", filter=queues[key][1]) for key in QUEUE_KEYS}
    )
    return [Queue(key, str(queues[key][0]), counts[key]) for key in QUEUE_KEYS]
