"""What came of an application: the document issued, employment after."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import DocumentKind as ProgramDocumentKind

from .applications import Application


class Completion(models.Model):
    """The document issued on leaving a program, as reported to ФИС ФРДО."""

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="completion",
        verbose_name=_("application"),
    )
    document_kind = models.CharField(
        _("document"), max_length=32, choices=ProgramDocumentKind
    )
    registration_number = models.CharField(
        _("registration number"), max_length=50, unique=True
    )
    blank_series = models.CharField(_("blank series"), max_length=20, blank=True)
    blank_number = models.CharField(_("blank number"), max_length=30, blank=True)
    issued_on = models.DateField(_("date of issue"))
    qualification = models.CharField(_("qualification"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "registration_number"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        indexes = [models.Index(fields=["issued_on"])]

    def __str__(self) -> str:
        return f"{self.get_document_kind_display()} № {self.registration_number}"


class Duplicate(models.Model):
    """A duplicate of an issued document (lost or spoiled), reported to ФИС
    ФРДО with the original's particulars."""

    class Loss(models.TextChoices):
        # «Подтверждение утраты»: the register's own words.
        NONE = "none", "Нет"
        POLICE = "police", "Справка из органов внутренних дел"
        FIRE = "fire", "Справка из органов пожарной охраны"
        NEWSPAPER = "newspaper", "Объявление в газете"
        OTHER = "other", "Другое"

    class Exchange(models.TextChoices):
        # «Подтверждение обмена».
        NONE = "none", "Нет"
        SPOILED = "spoiled", "Обмен по причине порчи"
        WRONG = "wrong", "Обмен по причине наличия недостоверной информации"

    original = models.ForeignKey(
        Completion,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("original document"),
    )
    registration_number = models.CharField(
        _("registration number"), max_length=50, unique=True
    )
    blank_series = models.CharField(_("blank series"), max_length=20, blank=True)
    blank_number = models.CharField(_("blank number"), max_length=30)
    issued_on = models.DateField(_("date of issue"))
    loss = models.CharField(
        _("confirmation of the loss"), max_length=16, choices=Loss, default=Loss.NONE
    )
    exchange = models.CharField(
        _("confirmation of the exchange"),
        max_length=16,
        choices=Exchange,
        default=Exchange.NONE,
    )
    original_destroyed = models.BooleanField(
        _("the original is destroyed"), default=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "registration_number"]
        verbose_name = _("duplicate")
        verbose_name_plural = _("duplicates")
        indexes = [models.Index(fields=["issued_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(loss="none") | ~Q(exchange="none"),
                name="duplicate_says_why",
                violation_error_message=_(
                    "A duplicate replaces a lost or a spoiled document: say which."
                ),
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.original.get_document_kind_display()} № {self.registration_number}"
        )


class Employment(models.Model):
    """Whether and where a learner found work after the program.

    The employer's ИНН links the record to a partner without this app
    depending on the partners app.
    """

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="employment",
        verbose_name=_("application"),
    )
    is_employed = models.BooleanField(_("employed"))
    employer_name = models.CharField(_("employer"), max_length=255, blank=True)
    employer_inn = models.CharField(_("employer's ИНН"), max_length=12, blank=True)
    position = models.CharField(_("job title"), max_length=255, blank=True)
    employed_on = models.DateField(_("employed since"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("employment after training")
        verbose_name_plural = _("employment after training")
        indexes = [models.Index(fields=["employer_inn"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_employed=False) | ~Q(employer_name=""),
                name="employment_names_the_employer",
            )
        ]

    def __str__(self) -> str:
        return self.employer_name or str(_("not employed"))
