"""Orders (приказы) that change learners' statuses: enrolment, expulsion, and
completion with the documents issued.

A draft lists the applications; signing numbers it, prints it and moves every
listed application in one transaction. A signed order is never deleted: a
wrong one is replaced by a new order, the old one kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .documents import private_storage


def order_path(order: Order, filename: str) -> str:
    return f"orders/{order.year}/{order.pk}/{filename}"


class Order(models.Model):
    class Kind(models.TextChoices):
        ENROLMENT = "enrolment", _("enrolment")
        EXPULSION = "expulsion", _("expulsion")
        COMPLETION = "completion", _("completion and issue of documents")

    class Ground(models.TextChoices):
        REQUEST = "request", _("at the learner's request")
        FAILURE = "failure", _("for failing to complete the curriculum")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        REPLACED = "replaced", pgettext_lazy("order", "Replaced")

    cohort = models.ForeignKey(
        "programs.Cohort",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("group"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    ground = models.CharField(_("ground"), max_length=16, choices=Ground, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State, default=State.DRAFT
    )
    dated = models.DateField(_("date of the order"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    pdf = models.FileField(
        _("order (PDF)"),
        storage=private_storage,
        upload_to=order_path,
        max_length=200,
        blank=True,
    )
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64, blank=True)
    signed_scan = models.FileField(
        _("signed scan"),
        storage=private_storage,
        upload_to=order_path,
        max_length=200,
        blank=True,
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )

    audit = HistoricalRecords()

    class Meta:
        ordering = ["-dated", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"], name="order_number_once"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(number__isnull=False),
                name="a_signed_order_has_a_number",
            ),
            models.CheckConstraint(
                condition=~Q(kind="expulsion") | ~Q(ground=""),
                name="an_expulsion_has_a_ground",
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return str(_("Draft order of %(kind)s") % {"kind": self.get_kind_display()})
        return str(
            _("Order № %(number)s of %(kind)s")
            % {"number": self.display_number, "kind": self.get_kind_display()}
        )

    @property
    def display_number(self) -> str:
        return f"{self.number}/{self.year}" if self.number else ""


class OrderLine(models.Model):
    """One person named by an order."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    application = models.ForeignKey(
        "enrollment.Application",
        on_delete=models.PROTECT,
        related_name="order_lines",
        verbose_name=_("application"),
    )
    # An order of completion: the document each person is issued.
    registration_number = models.CharField(
        _("registration number"), max_length=50, blank=True
    )
    blank_series = models.CharField(_("blank series"), max_length=20, blank=True)
    blank_number = models.CharField(_("blank number"), max_length=30, blank=True)
    qualification = models.CharField(_("qualification"), max_length=255, blank=True)
    # Listed although the checklist was not complete: what was missing, and
    # staff's reason.
    exception = models.CharField(_("listed despite"), max_length=500, blank=True)

    class Meta:
        ordering = ["application__applicant__last_name", "pk"]
        verbose_name = _("person in the order")
        verbose_name_plural = _("people in the order")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "application"], name="a_person_once_per_order"
            )
        ]

    def __str__(self) -> str:
        return str(self.application)
