"""Applicants, their applications, consents, documents and status history."""

from __future__ import annotations

import datetime
import re
import secrets
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from programs.models import Cohort, EducationLevel, LearnerCategory
from programs.models import DocumentKind as ProgramDocumentKind

ADULT_AGE = 18


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Seat offered")
    ENROLLED = "enrolled", _("Enrolled")
    STUDYING = "studying", _("Studying")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPELLED = "expelled", _("Expelled")


S = ApplicationStatus
# A person may hold one application in these statuses per cohort.
ACTIVE_STATUSES = (
    S.SUBMITTED,
    S.IN_REVIEW,
    S.WAITLISTED,
    S.OFFERED,
    S.ENROLLED,
    S.STUDYING,
)
# These hold a seat (an offer only until it expires, unless it was accepted).
SEAT_STATUSES = (S.OFFERED, S.ENROLLED, S.STUDYING)

# Every allowed change of status; anything else is refused by the services.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset(
        {S.IN_REVIEW, S.OFFERED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}
    ),
    S.IN_REVIEW: frozenset({S.OFFERED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}),
    S.WAITLISTED: frozenset({S.OFFERED, S.REJECTED, S.WITHDRAWN}),
    S.OFFERED: frozenset({S.ENROLLED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}),
    S.ENROLLED: frozenset({S.STUDYING, S.WITHDRAWN, S.EXPELLED}),
    S.STUDYING: frozenset({S.COMPLETED, S.EXPELLED}),
    S.COMPLETED: frozenset(),
    S.REJECTED: frozenset({S.IN_REVIEW}),
    S.WITHDRAWN: frozenset(),
    S.EXPELLED: frozenset(),
}


# The stages of the intake funnel, and the statuses that mean a stage was reached.
FUNNEL_STAGES: dict[str, tuple[str, ...]] = {
    "reached_review": (S.IN_REVIEW, S.WAITLISTED, S.OFFERED, S.REJECTED, S.ENROLLED),
    "reached_offer": (S.OFFERED,),
    "reached_enrolment": (S.ENROLLED,),
    "reached_completion": (S.COMPLETED,),
}


# The counter of DailyIntake that each funnel flag adds to.
STAGE_COUNTERS: dict[str, str] = {
    "reached_review": "reviewed",
    "reached_offer": "offered",
    "reached_enrolment": "enrolled",
    "reached_completion": "completed",
}
FUNNEL_COUNTERS = ("submitted", *STAGE_COUNTERS.values())


def stages_reached(statuses) -> dict[str, bool]:
    """The funnel flags of an application that has been through ``statuses``."""
    seen = set(statuses)
    return {
        flag: bool(seen.intersection(stage)) for flag, stage in FUNNEL_STAGES.items()
    }


def normalize_name(value: str) -> str:
    """Case, ё/е and spacing do not make another person."""
    return re.sub(r"\s+", " ", (value or "").strip()).lower().replace("ё", "е")


def person_key(last_name: str, first_name: str, patronymic: str, birth_date) -> str:
    name = normalize_name(f"{last_name} {first_name} {patronymic}")
    return f"{name}|{birth_date.isoformat()}"


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Full years of a person born on ``birth_date`` on ``day``."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def private_storage():
    """Applicants' files: outside the public media root, no URL at all."""
    return storages["private"]


def document_path(instance: Document, filename: str) -> str:
    # The stored name says nothing about the person or the original file.
    today = timezone.localdate()
    return f"documents/{today:%Y/%m}/{uuid.uuid4().hex}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Relation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GUARDIAN = "guardian", _("Guardian or trustee")
    OTHER = "other", _("Other legal representative")


class Applicant(models.Model):
    """A person as they described themselves in an application."""

    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=8, choices=Sex)
    phone = PhoneNumberField(_("phone"), region="RU")
    email = models.EmailField(_("e-mail"))
    municipality = models.CharField(_("municipality"), max_length=150)
    education_level = models.CharField(
        _("education"), max_length=32, choices=EducationLevel
    )
    categories = models.ManyToManyField(
        LearnerCategory,
        blank=True,
        related_name="applicants",
        verbose_name=_("learner categories"),
    )
    snils = models.CharField(
        _("СНИЛС"), max_length=11, blank=True, help_text=_("11 digits, no separators.")
    )
    representative_name = models.CharField(
        _("legal representative"), max_length=300, blank=True
    )
    representative_phone = PhoneNumberField(
        _("representative's phone"), region="RU", blank=True
    )
    representative_email = models.EmailField(_("representative's e-mail"), blank=True)
    representative_relation = models.CharField(
        _("relation"), max_length=16, choices=Relation, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(
        _("anonymised"), null=True, blank=True, editable=False
    )

    # Field-level audit of every change (who, when, what), shown in the admin.
    audit = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["last_name", "first_name", "patronymic"]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        permissions = [
            ("merge_applicant", _("Can merge applicant records")),
            ("export_personal_data", _("Can export everything held on a person")),
            ("anonymise_applicant", _("Can anonymise a person")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(snils="") | Q(snils__regex=r"^[0-9]{11}$"),
                name="applicant_snils_eleven_digits",
            )
        ]
        indexes = [
            models.Index(fields=["email"]),
            models.Index(fields=["snils"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["last_name", "first_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(
            p for p in (self.last_name, self.first_name, self.patronymic) if p
        )

    def age_on(self, day: datetime.date) -> int:
        before_birthday = (day.month, day.day) < (
            self.birth_date.month,
            self.birth_date.day,
        )
        return day.year - self.birth_date.year - before_birthday


class Application(models.Model):
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("cohort"),
    )
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus, default=S.SUBMITTED
    )
    token = models.CharField(
        _("secret link key"),
        max_length=64,
        unique=True,
        default=new_token,
        editable=False,
    )
    submission_key = models.UUIDField(
        _("submission key"),
        unique=True,
        help_text=_(
            "Sent with the form; a second submit of the same form finds this row."
        ),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    offer_expires_at = models.DateTimeField(
        _("offer valid until"), null=True, blank=True
    )
    offer_accepted_at = models.DateTimeField(_("offer accepted"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ru"
    )
    employer_inn = models.CharField(
        _("employer's ИНН"),
        max_length=12,
        blank=True,
        help_text=_(
            "Set when the applicant says they work for a partner with reserved seats."
        ),
    )
    # Stages of the funnel this application has ever reached: set by the services
    # with each change of status, so reports count them without the history.
    reached_review = models.BooleanField(
        _("reached review"), default=False, editable=False
    )
    reached_offer = models.BooleanField(
        _("reached an offer"), default=False, editable=False
    )
    reached_enrolment = models.BooleanField(
        _("reached enrolment"), default=False, editable=False
    )
    reached_completion = models.BooleanField(
        _("reached completion"), default=False, editable=False
    )
    # Normalised identity of the person, for the one-active-application rule.
    email_key = models.CharField(max_length=254, editable=False)
    snils_key = models.CharField(max_length=11, blank=True, editable=False)
    person_key = models.CharField(max_length=400, editable=False)

    # The status history is the reverse relation ``history`` (StatusChange);
    # this is the field-level audit of every change.
    audit = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        permissions = [
            ("view_reports", _("Can see the managers' reports")),
            ("export_application", _("Can export applications")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "email_key"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="application_one_active_per_email",
            ),
            models.UniqueConstraint(
                fields=["cohort", "snils_key"],
                condition=Q(status__in=ACTIVE_STATUSES) & ~Q(snils_key=""),
                name="application_one_active_per_snils",
            ),
            models.UniqueConstraint(
                fields=["cohort", "person_key"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="application_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status=S.OFFERED) | Q(offer_expires_at__isnull=False),
                name="application_offer_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status", "submitted_at"]),
            models.Index(
                fields=["-submitted_at", "-id"], name="application_newest_first"
            ),
            models.Index(fields=["status", "offer_expires_at"]),
            models.Index(fields=["email_key"]),
            models.Index(fields=["snils_key"]),
            # Finds a person's applications, and counts people reached in a
            # period and cohorts from the index alone (PostgreSQL).
            models.Index(
                fields=["person_key"],
                include=["submitted_at", "cohort"],
                name="application_person_reach",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.cohort.code}"

    def get_absolute_url(self) -> str:
        return reverse("enrollment:status", kwargs={"token": self.token})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def offer_is_open(self, now: datetime.datetime | None = None) -> bool:
        """An offer the applicant can still accept or decline."""
        now = now or timezone.now()
        return (
            self.status == S.OFFERED
            and self.offer_accepted_at is None
            and self.offer_expires_at is not None
            and self.offer_expires_at > now
        )

    def offer_has_expired(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == S.OFFERED
            and self.offer_accepted_at is None
            and self.offer_expires_at is not None
            and self.offer_expires_at <= now
        )

    def can_withdraw(self) -> bool:
        return S.WITHDRAWN in TRANSITIONS[self.status]


class StatusChange(models.Model):
    class ActorKind(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        STAFF = "staff", _("Staff")
        SYSTEM = "system", _("System")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="history",
        verbose_name=_("application"),
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=ApplicationStatus, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ApplicationStatus)
    actor_kind = models.CharField(_("by"), max_length=16, choices=ActorKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        constraints = [
            models.CheckConstraint(
                condition=~Q(actor_kind="staff") | Q(actor__isnull=False),
                name="status_change_staff_is_named",
            )
        ]

    def __str__(self) -> str:
        before = self.get_from_status_display() if self.from_status else "—"
        return f"{before} → {self.get_to_status_display()}"


class ConsentText(models.Model):
    """A version of a consent text. Once accepted by anyone, it is only superseded."""

    class Kind(models.TextChoices):
        PROCESSING = "processing", _("Processing of personal data")
        MAILING = "mailing", _("News and offers by e-mail")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("full text"))
    is_required = models.BooleanField(
        _("required to apply"),
        default=False,
        help_text=_("An application cannot be sent without this consent."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version"], name="consent_text_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("enrollment:consent", kwargs={"kind": self.kind})


class ConsentRecord(models.Model):
    """One consent given by one person, with the evidence 152-ФЗ asks to keep."""

    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("applicant"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("application"),
    )
    text = models.ForeignKey(
        ConsentText,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("text version"),
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    # When a consent was withdrawn, and by whom (without the address it came from).
    audit = HistoricalRecords(excluded_fields=["ip_address", "user_agent"])

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.applicant}: {self.text}"


class DocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passport or birth certificate")
    EDUCATION = "education", _("Education document")
    SNILS = "snils", _("СНИЛС")
    OTHER = "other", _("Other document")


class Document(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting check")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=document_path, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.PENDING
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    reviewed_at = models.DateTimeField(_("checked"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "enrollment:document",
            kwargs={"token": self.application.token, "document_id": self.pk},
        )


class Note(models.Model):
    """An internal note of staff about an application; applicants never see it."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("application"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return self.text[:60]


class Completion(models.Model):
    """The document issued on leaving a program, as reported to ФИС ФРДО."""

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="completion",
        verbose_name=_("application"),
    )
    document_kind = models.CharField(
        _("document"), max_length=32, choices=ProgramDocumentKind
    )
    registration_number = models.CharField(
        _("registration number"), max_length=50, unique=True
    )
    blank_series = models.CharField(_("blank series"), max_length=20, blank=True)
    blank_number = models.CharField(_("blank number"), max_length=30, blank=True)
    issued_on = models.DateField(_("date of issue"))
    qualification = models.CharField(_("qualification"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "registration_number"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        indexes = [models.Index(fields=["issued_on"])]

    def __str__(self) -> str:
        return f"{self.get_document_kind_display()} № {self.registration_number}"


class Employment(models.Model):
    """Whether and where a learner found work after the program.

    The employer's ИНН links the record to a partner without this app
    depending on the partners app.
    """

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="employment",
        verbose_name=_("application"),
    )
    is_employed = models.BooleanField(_("employed"))
    employer_name = models.CharField(_("employer"), max_length=255, blank=True)
    employer_inn = models.CharField(_("employer's ИНН"), max_length=12, blank=True)
    position = models.CharField(_("job title"), max_length=255, blank=True)
    employed_on = models.DateField(_("employed since"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("employment after training")
        verbose_name_plural = _("employment after training")
        indexes = [models.Index(fields=["employer_inn"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_employed=False) | ~Q(employer_name=""),
                name="employment_names_the_employer",
            )
        ]

    def __str__(self) -> str:
        return self.employer_name or str(_("not employed"))


class SeatReservation(models.Model):
    """Seats of a cohort set aside for the employees of one employer (a partner).

    Until ``release_on`` only that employer's employees can take them; from
    that day the unused ones are back in the general pool. Seats are still
    counted from live rows, never stored.
    """

    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="reservations",
        verbose_name=_("cohort"),
    )
    employer_inn = models.CharField(_("employer's ИНН"), max_length=12)
    employer_name = models.CharField(_("employer"), max_length=255)
    seats = models.PositiveIntegerField(_("seats"))
    release_on = models.DateField(
        _("unused seats return to everyone on"),
    )
    source = models.CharField(_("grounds"), max_length=255, blank=True)

    class Meta:
        ordering = ["cohort", "employer_name"]
        verbose_name = _("seat reservation")
        verbose_name_plural = _("seat reservations")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "employer_inn"], name="reservation_one_per_employer"
            ),
            models.CheckConstraint(condition=Q(seats__gt=0), name="reservation_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort.code}: {self.seats} × {self.employer_name}"

    def is_active(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) < self.release_on


class DailyIntake(models.Model):
    """Applications submitted on one day (Moscow time) to one cohort, and how many
    of them have reached each stage of the funnel since.

    Kept by the services with every submission and change of status, in the same
    transaction, so the report's funnel and applications over time add up a few
    thousand of these rows instead of reading every application.
    ``rebuild_daily_intake`` recomputes them from the applications.
    """

    day = models.DateField(_("day of submission"))
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        related_name="daily_intake",
        verbose_name=_("cohort"),
    )
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    reviewed = models.PositiveIntegerField(_("reviewed"), default=0)
    offered = models.PositiveIntegerField(_("offered"), default=0)
    enrolled = models.PositiveIntegerField(_("enrolled"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)

    class Meta:
        ordering = ["day", "cohort"]
        verbose_name = _("daily intake")
        verbose_name_plural = _("daily intake")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "cohort"], name="daily_intake_one_per_day_and_cohort"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.cohort_id}"
