"""What the site itself keeps: managers' subscriptions to the report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportSubscription(models.Model):
    """A manager receives the report's XLSX for the last week or month."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week (on Monday, for the week before)")
        MONTHLY = "monthly", _("Every month (on the 1st, for the month before)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
        verbose_name=_("user"),
    )
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency"], name="one_subscription_per_frequency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_frequency_display()}"
