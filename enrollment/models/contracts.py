"""Contracts for paid educational services and the numbers of the centre's
papers.

A contract is issued once: the PDF sent is stored with its checksum and never
made again differently; a correction is a new version with the same number,
the old one kept as replaced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .documents import private_storage

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

    from .payments import Invoice, Payment


class PaperCounter(models.Model):
    """The last number given to a kind of paper in a year. Numbers are taken
    under a row lock inside the transaction that issues the paper, so two
    staff members never get the same number and a rolled-back paper leaves
    no gap."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", _("contract")
        INVOICE = "invoice", _("invoice")
        ORDER = "order", _("order")

    kind = models.CharField(_("paper"), max_length=16, choices=Kind)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("numbering of papers")
        verbose_name_plural = _("numbering of papers")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year"], name="one_counter_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.last}"


class ContractKind(models.TextChoices):
    """Who signs as the customer (DOMAIN.md: the payers)."""

    ADULT = "adult", _("with the adult learner")
    REPRESENTATIVE = "representative", _("with the legal representative of a minor")
    EMPLOYER = "employer", _("three-party, with the employer")
    MATERNITY = "maternity_capital", _("paid from maternity capital")


class ContractState(models.TextChoices):
    PREPARED = "prepared", _("Prepared")
    SENT = "sent", _("Sent to the applicant")
    SIGNED = "signed", _("Signed copy uploaded")
    CHECKED = "checked", _("Signed copy checked")
    CANCELLED = "cancelled", pgettext_lazy("contract", "Cancelled")
    REPLACED = "replaced", _("Replaced by a corrected version")


# A contract in one of these states is the application's contract.
LIVE_CONTRACT_STATES = (
    ContractState.PREPARED,
    ContractState.SENT,
    ContractState.SIGNED,
    ContractState.CHECKED,
)


def contract_path(contract: Contract, filename: str) -> str:
    return (
        f"contracts/{contract.year}/{contract.number:05d}-{contract.version}/{filename}"
    )


class Contract(models.Model):
    """One version of a contract for paid educational services."""

    application = models.ForeignKey(
        "enrollment.Application",
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("application"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind)
    state = models.CharField(
        _("state"), max_length=16, choices=ContractState, default=ContractState.PREPARED
    )
    price = models.DecimalField(_("price, roubles"), max_digits=10, decimal_places=2)
    # Everything the paper prints (the centre, the customer, the learner, the
    # program, the schedule of payments), as it was when it was issued.
    particulars = models.JSONField(_("particulars"), editable=False)
    pdf = models.FileField(
        _("contract (PDF)"),
        storage=private_storage,
        upload_to=contract_path,
        max_length=200,
    )
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64, editable=False)
    signed_scan = models.FileField(
        _("signed copy"),
        storage=private_storage,
        upload_to=contract_path,
        max_length=200,
        blank=True,
    )
    signed_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    signed_uploaded_at = models.DateTimeField(
        _("signed copy uploaded"), null=True, blank=True
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("corrects"),
    )
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why it was corrected, returned or cancelled."),
    )
    created_at = models.DateTimeField(_("prepared"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prepared by"),
    )

    audit = HistoricalRecords()

    if TYPE_CHECKING:
        invoices: RelatedManager[Invoice]
        payments: RelatedManager[Payment]

    class Meta:
        ordering = ["-year", "-number", "-version"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number", "version"], name="contract_number_once"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state__in=LIVE_CONTRACT_STATES),
                name="one_live_contract_per_application",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="contract_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="contract_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Contract № %(number)s") % {"number": self.display_number})

    @property
    def display_number(self) -> str:
        """«2026/0007», and «2026/0007-2» for the second version."""
        base = f"{self.year}/{self.number:04d}"
        return base if self.version == 1 else f"{base}-{self.version}"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_CONTRACT_STATES
