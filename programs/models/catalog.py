"""Directions, programs, venues and cohorts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The law's lower bounds on hours for ДПО programs (273-ФЗ, Order 499).
from .choices import (
    DOCUMENT_BY_KIND,
    DPO_KINDS,
    MIN_HOURS_DPO_RETRAINING,
    MIN_HOURS_DPO_UPGRADE,
    DocumentKind,
    EducationLevel,
    ProgramKind,
    StudyForm,
)
from .funding import FundingSource, LearnerCategory
from .register import AREA_CHOICES, RANK_CHOICES


class Direction(models.Model):
    """A competence area of machine-building (CNC machining, welding, ...)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('programs:list')}?direction={self.slug}"


class ProgramQuerySet(models.QuerySet):
    def published(self) -> ProgramQuerySet:
        return self.filter(is_published=True)


class Program(models.Model):
    direction = models.ForeignKey(
        Direction,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("direction"),
    )
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ProgramKind)
    study_form = models.CharField(
        _("form of study"),
        max_length=16,
        choices=StudyForm,
        default=StudyForm.FULL_TIME,
    )
    uses_distance_learning = models.BooleanField(
        _("uses distance learning technologies"), default=False
    )
    hours = models.PositiveIntegerField(_("hours"), validators=[MinValueValidator(1)])
    funding_sources = models.ManyToManyField(
        FundingSource, related_name="programs", verbose_name=_("funding sources")
    )
    price = models.DecimalField(
        _("price, roubles"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("0 means the program is free for the learner."),
    )
    categories = models.ManyToManyField(
        LearnerCategory,
        related_name="programs",
        blank=True,
        verbose_name=_("learner categories"),
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    required_education = models.CharField(
        _("required education"),
        max_length=32,
        choices=EducationLevel,
        default=EducationLevel.NONE,
        help_text=_("The lowest level of education an applicant must have."),
    )
    qualification = models.CharField(
        _("qualification or profession awarded"), max_length=255, blank=True
    )
    # What the federal register (ФИС ФРДО) asks of the program.
    profession = models.CharField(
        _("worker profession or office (ФИС ФРДО)"),
        max_length=255,
        blank=True,
        help_text=_(
            "Vocational training: the name as in the register's list (ОК 016-94), "
            "e.g. «Оператор станков с программным управлением»."
        ),
    )
    qualification_rank = models.CharField(
        _("rank awarded"),
        max_length=16,
        choices=RANK_CHOICES,
        default="Нет",
        help_text=_("Vocational training: the rank, class or category, if any."),
    )
    professional_area = models.CharField(
        _("area of professional activity"),
        max_length=255,
        choices=AREA_CHOICES,
        blank=True,
        help_text=_("Further education: as in the register's list."),
    )
    specialty_group = models.CharField(
        _("enlarged group of specialties (УГС)"),
        max_length=255,
        blank=True,
        help_text=_("Further education: as in the register's list."),
    )
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"))
    outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("One outcome per line.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0), name="program_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=1), name="program_hours_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ProgramKind.DPO_UPGRADE)
                | Q(hours__gte=MIN_HOURS_DPO_UPGRADE),
                name="program_dpo_upgrade_min_hours",
                violation_error_message=_(
                    "A qualification upgrade program must last at least 16 hours."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=ProgramKind.DPO_RETRAINING)
                | Q(hours__gte=MIN_HOURS_DPO_RETRAINING),
                name="program_dpo_retraining_min_hours",
                violation_error_message=_(
                    "A professional retraining program must last at least 250 hours."
                ),
            ),
        ]
        indexes = [models.Index(fields=["is_published", "direction"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        # The database enforces the same bounds; this puts the message on the field.
        minimum = {
            ProgramKind.DPO_UPGRADE: MIN_HOURS_DPO_UPGRADE,
            ProgramKind.DPO_RETRAINING: MIN_HOURS_DPO_RETRAINING,
        }.get(self.kind)
        if minimum and self.hours is not None and self.hours < minimum:
            raise ValidationError(
                {
                    "hours": _(
                        "A program of the kind “%(kind)s” must last at least %(hours)s hours."
                    )
                    % {"kind": self.get_kind_display(), "hours": minimum}
                },
                code="too_few_hours",
            )

    @property
    def document_kind(self) -> str:
        return DOCUMENT_BY_KIND[self.kind]

    def get_document_kind_display(self) -> str:
        return str(DocumentKind(self.document_kind).label)

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_dpo(self) -> bool:
        return self.kind in DPO_KINDS

    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]


class Venue(models.Model):
    class Kind(models.TextChoices):
        OWN = "own", _("Centre's workshop")
        PARTNER = "partner", _("Partner's site")

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.OWN)
    address = models.CharField(_("address"), max_length=500)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "address"], name="venue_unique_name_address"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CohortQuerySet(models.QuerySet):
    def open_for_applications(
        self, today: datetime.date | None = None
    ) -> CohortQuerySet:
        today = today or timezone.localdate()
        return self.filter(
            Q(applications_open_on__isnull=True) | Q(applications_open_on__lte=today),
            status=Cohort.Status.OPEN,
            application_deadline__gte=today,
            program__is_published=True,
        )


class Cohort(models.Model):
    """One intake (a study group) of a program."""

    class AdmissionMode(models.TextChoices):
        REVIEW = "review", _("Staff review")
        FIRST_COME = "first_come", _("First come, first served")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("program"),
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    applications_open_on = models.DateField(
        _("applications accepted from"),
        null=True,
        blank=True,
        help_text=_(
            "The first day on which one may apply. Empty: from the moment the "
            "group is open. People who asked to be told are e-mailed that day."
        ),
    )
    application_deadline = models.DateField(
        _("applications accepted until"),
        help_text=_("The last day (inclusive, Moscow time) on which one may apply."),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    min_size = models.PositiveIntegerField(
        _("minimum size"),
        default=1,
        help_text=_("The group does not start with fewer learners."),
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("venue"),
    )
    schedule = models.CharField(_("schedule"), max_length=255, blank=True)
    admission_mode = models.CharField(
        _("admission"),
        max_length=16,
        choices=AdmissionMode,
        default=AdmissionMode.REVIEW,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.OPEN
    )

    objects = CohortQuerySet.as_manager()
    # Field-level audit of every change (who, when, what), shown in the admin.
    audit = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "code"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")),
                name="cohort_starts_before_it_ends",
                violation_error_message=_("A cohort cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="cohort_capacity_positive",
                violation_error_message=_("Capacity must be at least one seat."),
            ),
            models.CheckConstraint(
                condition=Q(min_size__lte=models.F("capacity")),
                name="cohort_min_size_within_capacity",
                violation_error_message=_(
                    "The minimum size cannot exceed the capacity."
                ),
            ),
            models.CheckConstraint(
                condition=Q(applications_open_on__isnull=True)
                | Q(applications_open_on__lte=models.F("application_deadline")),
                name="cohort_applications_open_before_deadline",
                violation_error_message=_(
                    "Applications cannot open after the last day to apply."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.program}"

    def get_absolute_url(self) -> str:
        return f"{self.program.get_absolute_url()}#cohort-{self.pk}"

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A cohort cannot end before it starts.")
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("Capacity must be at least one seat.")
        elif (
            self.capacity is not None
            and self.min_size is not None
            and self.min_size > self.capacity
        ):
            errors["min_size"] = _("The minimum size cannot exceed the capacity.")
        if (
            self.applications_open_on
            and self.application_deadline
            and self.applications_open_on > self.application_deadline
        ):
            errors["applications_open_on"] = _(
                "Applications cannot open after the last day to apply."
            )
        if errors:
            raise ValidationError(errors)

    def accepts_applications(self, today: datetime.date | None = None) -> bool:
        return self.admission(today).is_open

    def admission(self, today: datetime.date | None = None) -> Admission:
        """Whether the cohort takes applications on ``today``, and if not, why
        (from its status and dates alone: no query)."""
        today = today or timezone.localdate()
        state = Admission
        if self.status == self.Status.CANCELLED:
            return state(state.CANCELLED, starts_on=self.starts_on)
        if self.status == self.Status.OPEN:
            if self.applications_open_on and self.applications_open_on > today:
                return state(
                    state.OPENS_LATER, self.applications_open_on, self.starts_on
                )
            if self.application_deadline >= today:
                return state(state.OPEN, self.application_deadline, self.starts_on)
        if self.starts_on <= today:
            return state(state.STARTED, self.starts_on, self.starts_on)
        if self.status == self.Status.OPEN:
            return state(state.CLOSED_ON, self.application_deadline, self.starts_on)
        return state(state.COMPLETE, starts_on=self.starts_on)


@dataclass(frozen=True)
class Admission:
    """A cohort's admission on a day: open (until ``date``), or why not.

    ``str()`` says it to a visitor: «Приём откроется 15 января 2027».
    """

    OPEN = "open"
    OPENS_LATER = "opens_later"  # open, but its first day to apply is ahead
    CLOSED_ON = "closed_on"  # the last day to apply has passed
    STARTED = "started"  # classes have begun, no late applications
    COMPLETE = "complete"  # staff closed the intake before the start
    CANCELLED = "cancelled"

    state: str
    date: datetime.date | None = None
    starts_on: datetime.date | None = None

    def __str__(self) -> str:
        day = date_format(self.date, "j E Y") if self.date else ""
        start = date_format(self.starts_on, "j E Y") if self.starts_on else ""
        if self.state == self.OPEN:
            return gettext("Applications accepted until %(date)s") % {"date": day}
        if self.state == self.OPENS_LATER:
            return gettext("Applications open on %(date)s") % {"date": day}
        if self.state == self.CLOSED_ON:
            return gettext(
                "Applications closed on %(date)s; classes begin on %(start)s"
            ) % {"date": day, "start": start}
        if self.state == self.STARTED:
            return gettext(
                "Applications closed: the group began classes on %(date)s"
            ) % {"date": day}
        if self.state == self.COMPLETE:
            return gettext("The intake for this group is complete")
        return gettext("The intake has been cancelled")

    @property
    def is_open(self) -> bool:
        return self.state == self.OPEN

    @property
    def may_open(self) -> bool:
        """Applications are still to open: a date ahead."""
        return self.state == self.OPENS_LATER
