"""Reads of applications: the applicant's page, seats, figures."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.russian import money
from programs import eligibility
from programs.models import Cohort, EducationLevel, FundingSource, StreamDocument

from .models import (
    Applicant,
    Application,
    ApplicationStatus,
    ConsentText,
    Contract,
    ContractState,
    Document,
    DocumentKind,
    Invoice,
)
from .seats import annotate_seats

S = ApplicationStatus


def waiting_list(cohort: Cohort) -> QuerySet[Application]:
    """The people waiting for a seat in ``cohort``, first come first."""
    return cohort.applications.filter(status=S.WAITLISTED).order_by(
        "submitted_at", "pk"
    )


def situation_of(applicant: Applicant) -> eligibility.Situation:
    """What the rules of the streams read of an applicant."""
    return eligibility.Situation(
        birth_date=applicant.birth_date,
        education_level=applicant.education_level,
        categories=frozenset(c.code for c in applicant.categories.all()),
    )


def stream_verdict(application: Application) -> eligibility.Verdict:
    """The rules of the application's stream applied to its applicant now."""
    cohort = application.cohort
    return eligibility.check_stream(
        application.stream,
        cohort.program,
        cohort.starts_on,
        situation_of(application.applicant),
    )


def required_document_kinds(application: Application) -> list[str]:
    """What the applicant must upload: the program's papers, and those of the
    stream and the category it is granted by."""
    return stream_verdict(application).documents


def current_consent_texts() -> list[ConsentText]:
    """The newest version of each kind of consent text, required ones first."""
    return newest_consent_texts(ConsentText.objects.order_by("kind", "-version"))


def newest_consent_texts(texts: Iterable[ConsentText]) -> list[ConsentText]:
    """Of ``texts`` (every version, by kind and newest first), the newest
    version of each kind, required ones first."""
    latest: dict[str, ConsentText] = {}
    for text in texts:
        latest.setdefault(text.kind, text)
    return sorted(latest.values(), key=lambda t: (not t.is_required, t.kind))


def application_by_token(token: str) -> Application:
    """Raise Application.DoesNotExist for an unknown token."""
    return Application.objects.select_related(
        "applicant", "cohort", "cohort__program", "cohort__venue"
    ).get(token=token)


def waitlist_position(application: Application) -> int | None:
    """1 for the first person waiting on the application's stream; None when
    not on the waiting list."""
    if application.status != S.WAITLISTED:
        return None
    ahead = (
        Application.objects.filter(
            cohort_id=application.cohort_id,
            stream_id=application.stream_id,
            status=S.WAITLISTED,
        )
        .filter(
            Q(submitted_at__lt=application.submitted_at)
            | Q(submitted_at=application.submitted_at, pk__lt=application.pk)
        )
        .count()
    )
    return ahead + 1


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str
    required: bool
    documents: list[Document]

    @property
    def is_missing(self) -> bool:
        usable = [d for d in self.documents if d.status != Document.Status.REJECTED]
        return self.required and not usable

    @property
    def state(self) -> str:
        """ "verified", "pending", "rejected" (only rejected files), "missing"
        (required, none) or "" (optional, none)."""
        statuses = {d.status for d in self.documents}
        if Document.Status.VERIFIED in statuses:
            return "verified"
        if Document.Status.PENDING in statuses:
            return "pending"
        if statuses:
            return "rejected"
        return "missing" if self.required else ""


def document_checklist(application: Application) -> list[ChecklistItem]:
    """Each kind of document the application needs or has, with its files."""
    documents = list(application.documents.all())
    required = set(required_document_kinds(application))
    return [
        ChecklistItem(
            kind=kind.value,
            label=str(kind.label),
            required=kind in required,
            documents=[d for d in documents if d.kind == kind],
        )
        for kind in DocumentKind
        if kind in required or any(d.kind == kind for d in documents)
    ]


def applications_for_email(email: str) -> list[Application]:
    """The latest 50 applications made with ``email`` (any case), newest first."""
    return list(
        Application.objects.filter(email_key=email.strip().lower())
        .select_related("cohort", "cohort__program")
        .order_by("-submitted_at")[:50]
    )


def people_trained() -> int:
    """Applications completed: each is one person trained in one program."""
    return Application.objects.filter(status=S.COMPLETED).count()


# --- The back office ---------------------------------------------------------------

AT_RISK_DAYS = 14


def with_office_flags(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate ``documents_complete`` and ``possible_duplicate`` in SQL."""
    usable = Document.objects.filter(application=OuterRef("pk")).exclude(
        status=Document.Status.REJECTED
    )
    has_passport = Exists(usable.filter(kind=DocumentKind.PASSPORT))
    has_education = Exists(usable.filter(kind=DocumentKind.EDUCATION))
    needs_education = ~Q(cohort__program__required_education=EducationLevel.NONE)
    # The stream's papers: those of everyone on it, and those of one category
    # the applicant claims (the rules in Python: programs.eligibility).
    shown = Document.objects.filter(application=OuterRef(OuterRef("pk"))).exclude(
        status=Document.Status.REJECTED
    )
    lacking = StreamDocument.objects.exclude(
        Exists(shown.filter(kind=OuterRef("kind")))
    )
    stream_papers = ~Exists(
        lacking.filter(stream=OuterRef("stream"), category__isnull=True)
    )
    category_shown = Document.objects.filter(
        application=OuterRef(OuterRef(OuterRef("pk")))
    ).exclude(status=Document.Status.REJECTED)
    category_papers = ~Exists(
        FundingSource.categories.through.objects.filter(
            fundingsource=OuterRef("stream")
        )
    ) | Exists(
        Applicant.categories.through.objects.filter(
            applicant=OuterRef("applicant"),
            learnercategory__streams=OuterRef("stream"),
        ).exclude(
            Exists(
                StreamDocument.objects.filter(
                    stream=OuterRef(OuterRef("stream")),
                    category=OuterRef("learnercategory"),
                ).exclude(Exists(category_shown.filter(kind=OuterRef("kind"))))
            )
        )
    )
    other_person = Application.objects.exclude(applicant=OuterRef("applicant"))
    duplicate = (
        Exists(other_person.filter(email_key=OuterRef("email_key")))
        | Exists(other_person.filter(person_key=OuterRef("person_key")))
        | Exists(
            other_person.filter(snils_key=OuterRef("snils_key")).exclude(snils_key="")
        )
        | Exists(
            Applicant.objects.filter(phone=OuterRef("applicant__phone")).exclude(
                pk=OuterRef("applicant")
            )
        )
    )
    return applications.annotate(
        documents_complete=Case(
            When(
                needs_education,
                then=has_passport & has_education & stream_papers & category_papers,
            ),
            default=has_passport & stream_papers & category_papers,
            output_field=BooleanField(),
        ),
        possible_duplicate=ExpressionWrapper(duplicate, output_field=BooleanField()),
    )


@dataclass(frozen=True)
class DuplicatePair:
    first: Applicant
    second: Applicant
    reasons: tuple[str, ...]


def duplicate_pairs(*, limit: int = 200) -> list[DuplicatePair]:
    """Pairs of applicant records that may be one person: a shared СНИЛС, e-mail or
    phone, or the same date of birth with a near-identical ФИО (case, ё/е, spaces)."""
    sources = [
        (
            "snils",
            Application.objects.exclude(snils_key=""),
            "snils_key",
            "applicant_id",
        ),
        ("email", Application.objects.all(), "email_key", "applicant_id"),
        ("name", Application.objects.all(), "person_key", "applicant_id"),
        ("phone", Applicant.objects.all(), "phone", "id"),
    ]
    reasons: dict[tuple[int, int], set[str]] = {}
    for reason, rows, key, person in sources:
        shared = (
            rows.order_by()
            .values(key)
            .annotate(people=Count(person, distinct=True))
            .filter(people__gt=1)
            .values(key)[:limit]
        )
        groups: dict[str, set[int]] = {}
        for value, person_id in rows.filter(**{f"{key}__in": shared}).values_list(
            key, person
        ):
            groups.setdefault(value, set()).add(person_id)
        for ids in groups.values():
            ordered = sorted(ids)
            for n, first in enumerate(ordered):
                for second in ordered[n + 1 :]:
                    reasons.setdefault((first, second), set()).add(reason)
    pairs = sorted(reasons.items())[:limit]
    people = Applicant.objects.in_bulk({pk for pair, _ in pairs for pk in pair})
    return [
        DuplicatePair(people[a], people[b], tuple(sorted(why)))
        for (a, b), why in pairs
        if a in people and b in people
    ]


def is_at_risk(cohort: Cohort, seats_held: int, today: datetime.date) -> bool:
    """An open cohort starting within AT_RISK_DAYS whose seats held (learners and
    live offers, enrollment.seats) are fewer than its minimum size. Seats kept
    for a partner are not learners: they do not make a group viable."""
    return (
        cohort.status == Cohort.Status.OPEN
        and today <= cohort.starts_on <= today + datetime.timedelta(days=AT_RISK_DAYS)
        and seats_held < cohort.min_size
    )


def at_risk_q(today: datetime.date) -> Q:
    """``is_at_risk`` in SQL, for cohorts annotated by ``annotate_seats``."""
    return Q(
        status=Cohort.Status.OPEN,
        starts_on__gte=today,
        starts_on__lte=today + datetime.timedelta(days=AT_RISK_DAYS),
        seats_held__lt=F("min_size"),
    )


def waiting_count_expression() -> Coalesce:
    """A cohort annotation: people on its waiting list. A subquery, not a join, so
    that other per-cohort subqueries run once per cohort, not once per application."""
    waiting = (
        Application.objects.filter(cohort=OuterRef("pk"), status=S.WAITLISTED)
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(waiting, output_field=IntegerField()), 0)


def cohorts_at_risk(*, today: datetime.date | None = None) -> QuerySet[Cohort]:
    """Open cohorts starting within AT_RISK_DAYS below their minimum size."""
    today = today or timezone.localdate()
    return (
        annotate_seats(Cohort.objects.select_related("program"))
        .filter(at_risk_q(today))
        .order_by("starts_on", "code")
    )


def intake_staff_emails() -> list[str]:
    """The addresses of active staff who may change applications (intake)."""
    from django.contrib.auth.models import User

    may_change = Q(groups__permissions__codename="change_application") | Q(
        user_permissions__codename="change_application"
    )
    return sorted(
        set(
            User.objects.filter(may_change, is_active=True, is_staff=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


# The applicant sees their contract once staff have sent it.
SHOWN_CONTRACT_STATES = (
    ContractState.SENT,
    ContractState.SIGNED,
    ContractState.CHECKED,
)


def contracts_for_applicant(application: Application) -> QuerySet[Contract]:
    """The application's contracts its applicant may open (sent or later, not
    cancelled or replaced)."""
    return Contract.objects.filter(
        application=application, state__in=SHOWN_CONTRACT_STATES
    )


def contract_for_applicant(application: Application) -> Contract | None:
    """The contract shown on the applicant's page, if any."""
    return contracts_for_applicant(application).order_by("-version").first()


@dataclass(frozen=True)
class PaymentStatus:
    """Where a contract's payments stand on a day."""

    price: Decimal
    paid: Decimal
    due_now: Decimal  # what the schedule asks by today
    state: str  # "paid", "partly_paid", "overdue", "not_due", "free"
    overdue_instalment: int | None = None  # the first payment not covered
    next_due: datetime.date | None = None

    @property
    def owed(self) -> Decimal:
        return self.price - self.paid

    @property
    def label(self) -> str:
        return str(PAYMENT_STATE_LABELS[self.state])

    @property
    def paid_text(self) -> str:
        return money(self.paid)

    @property
    def price_text(self) -> str:
        return money(self.price)


PAYMENT_STATE_LABELS = {
    "paid": pgettext_lazy("payment state", "Paid"),
    "partly_paid": _("Partly paid"),
    "overdue": _("Payment overdue"),
    "not_due": _("Not due yet"),
    "free": _("No payment"),
}


def payment_status(contract: Contract, today: datetime.date) -> PaymentStatus:
    """Paid, partly paid, overdue (a payment's date passed and what was paid
    does not cover the schedule up to it) or not due yet. Uses the contract's
    prefetched payments when there are."""
    paid = sum(
        (
            p.amount if p.kind == "payment" else -p.amount
            for p in contract.payments.all()
        ),
        Decimal(0),
    )
    if contract.price <= 0:
        return PaymentStatus(contract.price, paid, Decimal(0), "free")
    due_now = Decimal(0)
    covered = Decimal(0)
    overdue = None
    next_due = None
    for n, part in enumerate(contract.particulars.get("schedule", []), start=1):
        day = datetime.date.fromisoformat(part["due"])
        covered += Decimal(part["amount"])
        if day < today:
            due_now = covered
            if overdue is None and paid < covered:
                overdue = n
        elif next_due is None and paid < covered:
            next_due = day
    if paid >= contract.price:
        state = "paid"
    elif overdue is not None:
        state = "overdue"
    elif paid > 0:
        state = "partly_paid"
    else:
        state = "not_due"
    return PaymentStatus(contract.price, paid, due_now, state, overdue, next_due)


def invoices_for_applicant(application: Application) -> QuerySet[Invoice]:
    """The invoices of the application's contract that its applicant may open."""
    return Invoice.objects.filter(
        contract__in=contracts_for_applicant(application), cancelled_at__isnull=True
    ).order_by("instalment")
