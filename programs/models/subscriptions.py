"""People who asked to be told by e-mail when a group of a program opens for
applications: the address, the consent it was given with, and the groups they
have been told about. The address is kept for this notice only and deleted
when they unsubscribe, or when it is not confirmed in time (152-ФЗ)."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .catalog import Cohort, Program


def new_subscription_token() -> str:
    return secrets.token_urlsafe(32)


class SubscriptionConsentText(models.Model):
    """A version of the consent to keep an e-mail address for the notice that
    a group has opened. Once someone has given it, it is only superseded."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("full text"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("consent text for intake notices")
        verbose_name_plural = _("consent texts for intake notices")

    def __str__(self) -> str:
        return f"{self.title}, v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("programs:notice_consent")


class ProgramSubscription(models.Model):
    """One address that asked to hear when a group of ``program`` opens."""

    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("program"),
    )
    # Kept in lower case: one subscription per program and address.
    email = models.EmailField(_("e-mail"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="ru")
    # The secret of the links in the e-mails: confirming and unsubscribing.
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_subscription_token
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation sent"), null=True, blank=True
    )
    consent_text = models.ForeignKey(
        SubscriptionConsentText,
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("consent text version"),
    )
    consent_given_at = models.DateTimeField(_("consent given"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)

    class Meta:
        ordering = ["program", "created_at"]
        verbose_name = _("intake notice subscription")
        verbose_name_plural = _("intake notice subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "email"], name="one_subscription_per_address"
            ),
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")),
                name="subscription_email_lower_case",
            ),
        ]
        indexes = [models.Index(fields=["program", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.program}: {self.email}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def get_confirm_url(self) -> str:
        return reverse("programs:confirm_notice", kwargs={"token": self.token})

    def get_unsubscribe_url(self) -> str:
        return reverse("programs:unsubscribe", kwargs={"token": self.token})


class SubscriptionNotice(models.Model):
    """A group a subscriber knows is open: told by e-mail, or open already
    when they subscribed. Each subscriber hears of each group once."""

    subscription = models.ForeignKey(
        ProgramSubscription,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("subscription"),
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("cohort"),
    )
    emailed = models.BooleanField(
        _("e-mailed"),
        default=True,
        help_text=_("False: the group was open already when they subscribed."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["subscription", "cohort"]
        verbose_name = _("intake notice")
        verbose_name_plural = _("intake notices")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "cohort"], name="one_notice_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} → {self.cohort_id}"
