"""Who pays for training and who may use which funding: the streams, the
learner categories, the papers each asks for, and the seats each cohort
offers on each stream."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    BUDGET_PAYERS,
    PAID_REGISTER_FUNDING,
    REGISTER_FUNDING,
    CategoryCode,
    EducationLevel,
    PaperKind,
    Payer,
)


class LearnerCategory(models.Model):
    """A category a person may belong to; some have age limits of their own
    (50 and over, young people under 35), counted on a cohort's first day."""

    code = models.CharField(_("code"), max_length=32, choices=CategoryCode, unique=True)
    min_age = models.PositiveSmallIntegerField(
        _("from the age of"), null=True, blank=True
    )
    max_age = models.PositiveSmallIntegerField(
        _("up to the age of (inclusive)"), null=True, blank=True
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("learner category")
        verbose_name_plural = _("learner categories")

    def __str__(self) -> str:
        return str(self.get_code_display())


class FundingSource(models.Model):
    """A funding stream: who pays, who may use it, with which papers.

    Staff manage the streams; the rules are checked by the services
    (programs.eligibility), on a cohort's first day.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    payer = models.CharField(_("who pays"), max_length=32, choices=Payer)
    requires_contract = models.BooleanField(
        _("a contract for educational services is signed"), default=False
    )
    min_age = models.PositiveSmallIntegerField(
        _("from the age of"), null=True, blank=True
    )
    max_age = models.PositiveSmallIntegerField(
        _("up to the age of (inclusive)"), null=True, blank=True
    )
    required_education = models.CharField(
        _("education at least"),
        max_length=32,
        choices=EducationLevel,
        default=EducationLevel.NONE,
        help_text=_("Besides what the program itself requires."),
    )
    categories = models.ManyToManyField(
        LearnerCategory,
        blank=True,
        related_name="streams",
        verbose_name=_("eligible categories"),
        help_text=_("Empty: anyone the program admits."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("funding stream")
        verbose_name_plural = _("funding streams")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="stream_ages_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        """Free for the learner: a budget pays."""
        return self.payer in BUDGET_PAYERS

    @property
    def register_funding(self) -> str:
        """«Источник финансирования обучения» in the ФИС ФРДО register."""
        return REGISTER_FUNDING.get(self.payer, PAID_REGISTER_FUNDING)


class StreamDocument(models.Model):
    """A paper a stream asks for: of everyone on it, or of those who use a
    category for it (the employment service's certificate of the unemployed)."""

    stream = models.ForeignKey(
        FundingSource,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("funding stream"),
    )
    category = models.ForeignKey(
        LearnerCategory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Empty: everyone on the stream."),
    )
    kind = models.CharField(_("document"), max_length=32, choices=PaperKind)

    class Meta:
        ordering = ["stream", "category", "kind"]
        verbose_name = _("document a stream asks for")
        verbose_name_plural = _("documents a stream asks for")
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "category", "kind"],
                condition=Q(category__isnull=False),
                name="stream_category_document_once",
            ),
            models.UniqueConstraint(
                fields=["stream", "kind"],
                condition=Q(category__isnull=True),
                name="stream_document_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class CohortQuota(models.Model):
    """The seats a cohort offers on one stream. The cohort's capacity is the
    sum of its quotas (kept by the services that change them)."""

    cohort = models.ForeignKey(
        "programs.Cohort",
        on_delete=models.CASCADE,
        related_name="quotas",
        verbose_name=_("cohort"),
    )
    stream = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="quotas",
        verbose_name=_("funding stream"),
    )
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["cohort", "stream__position", "stream"]
        verbose_name = _("seats on a stream")
        verbose_name_plural = _("seats by stream")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "stream"], name="one_quota_per_stream"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="quota_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.stream}: {self.seats}"
