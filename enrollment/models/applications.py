"""Applications and their history."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.models import Cohort, FundingSource

from .people import Applicant
from .statuses import ACTIVE_STATUSES, TRANSITIONS, ApplicationStatus

S = ApplicationStatus


def new_token() -> str:
    return secrets.token_urlsafe(32)


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
    # The funding stream whose seat the application asks for (and holds).
    stream = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("funding stream"),
    )
    accepts_other_streams = models.BooleanField(
        _("accepts a seat on another stream"),
        default=False,
        help_text=_(
            "The applicant agreed to be offered a seat on another stream they may "
            "use, when their own has none free."
        ),
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
            # The staff's list filtered by status, newest first, and its dates.
            models.Index(
                fields=["status", "-submitted_at", "-id"],
                name="application_status_newest",
            ),
            models.Index(fields=["email_key"]),
            # Most people give no СНИЛС: "the same СНИЛС" is looked up among
            # those who gave one, never among the empty ones.
            models.Index(
                fields=["snils_key"],
                condition=~Q(snils_key=""),
                name="application_snils_given",
            ),
            # Finds a person's applications, and counts people reached in a
            # period and cohorts from the index alone (PostgreSQL).
            models.Index(
                fields=["person_key"],
                include=["submitted_at", "cohort"],
                name="application_person_reach",
            ),
            # Count the people reached by one stream or by the groups of one
            # direction from the index alone, in person order (the report's
            # filters at a million applications).
            models.Index(
                fields=["stream", "person_key"], name="application_stream_person"
            ),
            models.Index(
                fields=["cohort", "person_key"], name="application_cohort_person"
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
