"""Invoices issued under a contract, and the payments and refunds received.

A payment is recorded the same way whoever reports it: staff from a bank
statement, or later a payment provider's notification (with its own
reference, which makes a repeated notification harmless)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.russian import money

from .documents import private_storage


def invoice_path(invoice: Invoice, filename: str) -> str:
    return f"invoices/{invoice.year}/{invoice.number:05d}/{filename}"


class Invoice(models.Model):
    """One payment of a contract's schedule, to be paid by ``due_on``."""

    contract = models.ForeignKey(
        "enrollment.Contract",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("contract"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    instalment = models.PositiveSmallIntegerField(_("payment of the schedule"))
    amount = models.DecimalField(_("sum, roubles"), max_digits=10, decimal_places=2)
    due_on = models.DateField(_("to be paid by"))
    purpose = models.CharField(_("payment purpose"), max_length=300)
    pdf = models.FileField(
        _("invoice (PDF)"),
        storage=private_storage,
        upload_to=invoice_path,
        max_length=200,
    )
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        ordering = ["contract", "instalment", "pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"], name="invoice_number_once"
            ),
            models.UniqueConstraint(
                fields=["contract", "instalment"],
                condition=Q(cancelled_at__isnull=True),
                name="one_invoice_per_instalment",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="invoice_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Invoice № %(number)s") % {"number": self.display_number})

    @property
    def display_number(self) -> str:
        return f"{self.year}/{self.number:04d}"

    @property
    def amount_text(self) -> str:
        return money(self.amount)


class Payment(models.Model):
    """Money received for a contract, or returned (a refund)."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("payment")
        REFUND = "refund", _("refund")

    class Source(models.TextChoices):
        STAFF = "staff", _("recorded by staff")
        PROVIDER = "provider", _("reported by the payment provider")

    contract = models.ForeignKey(
        "enrollment.Contract",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("contract"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind, default=Kind.PAYMENT)
    amount = models.DecimalField(_("sum, roubles"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("date"))
    document = models.CharField(
        _("payment document"),
        max_length=100,
        help_text=_("For example: платёжное поручение № 512 от 01.12.2026."),
    )
    source = models.CharField(_("source"), max_length=8, choices=Source)
    # A provider's own identifier of the operation: the same notification
    # twice records one payment.
    reference = models.CharField(_("provider's reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payment_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="payment_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.paid_on:%d.%m.%Y})"

    @property
    def signed_amount(self):
        return self.amount if self.kind == self.Kind.PAYMENT else -self.amount
