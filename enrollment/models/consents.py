"""Consents under 152-ФЗ: the texts and who gave which."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .applications import Application
from .people import Applicant


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
