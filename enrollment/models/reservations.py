"""Seats reserved for partners' employees, and the daily intake figures."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Cohort, FundingSource

from .statuses import ApplicationStatus

S = ApplicationStatus


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
    stream = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("funding stream"),
        help_text=_("The stream whose seats are set aside."),
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
    """Applications submitted on one day (Moscow time) to one cohort on one
    funding stream, and how many of them have reached each stage of the funnel
    since.

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
    stream = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("funding stream"),
    )
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    reviewed = models.PositiveIntegerField(_("reviewed"), default=0)
    offered = models.PositiveIntegerField(_("offered"), default=0)
    enrolled = models.PositiveIntegerField(_("enrolled"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)

    class Meta:
        ordering = ["day", "cohort", "stream"]
        verbose_name = _("daily intake")
        verbose_name_plural = _("daily intake")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "cohort", "stream"],
                name="daily_intake_one_per_day_cohort_stream",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.cohort_id}"
