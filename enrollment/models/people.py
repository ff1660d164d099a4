"""Applicants: a person as they described themselves."""

from __future__ import annotations

import datetime
import re

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from core.dates import age_on
from core.identifiers import validate_oksm
from programs.models import RUSSIA, EducationLevel, LearnerCategory, PriorEducation


def normalize_name(value: str) -> str:
    """Case, ё/е and spacing do not make another person."""
    return re.sub(r"\s+", " ", (value or "").strip()).lower().replace("ё", "е")


def person_key(last_name: str, first_name: str, patronymic: str, birth_date) -> str:
    name = normalize_name(f"{last_name} {first_name} {patronymic}")
    return f"{name}|{birth_date.isoformat()}"


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Relation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GUARDIAN = "guardian", _("Guardian or trustee")
    OTHER = "other", _("Other legal representative")


class Applicant(models.Model):
    """A person as they described themselves in an application."""

    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=8, choices=Sex)
    phone = PhoneNumberField(_("phone"), region="RU")
    email = models.EmailField(_("e-mail"))
    municipality = models.CharField(_("municipality"), max_length=150)
    education_level = models.CharField(
        _("education"), max_length=32, choices=EducationLevel
    )
    categories = models.ManyToManyField(
        LearnerCategory,
        blank=True,
        related_name="applicants",
        verbose_name=_("learner categories"),
    )
    snils = models.CharField(
        _("СНИЛС"), max_length=11, blank=True, help_text=_("11 digits, no separators.")
    )
    # What the federal register (ФИС ФРДО) asks of a learner.
    citizenship = models.CharField(
        _("citizenship (ОКСМ code)"),
        max_length=3,
        default=RUSSIA,
        validators=[validate_oksm],
        help_text=_("Three digits of the country's ОКСМ code; 643 is Russia."),
    )
    prior_education = models.CharField(
        _("prior education for further education"),
        max_length=16,
        choices=PriorEducation,
        blank=True,
        help_text=_("What the right to a further education program rests on."),
    )
    prior_document_surname = models.CharField(
        _("surname in the diploma"), max_length=100, blank=True
    )
    prior_document_series = models.CharField(
        _("series of the diploma"), max_length=20, blank=True
    )
    prior_document_number = models.CharField(
        _("number of the diploma"), max_length=30, blank=True
    )
    representative_name = models.CharField(
        _("legal representative"), max_length=300, blank=True
    )
    representative_phone = PhoneNumberField(
        _("representative's phone"), region="RU", blank=True
    )
    representative_email = models.EmailField(_("representative's e-mail"), blank=True)
    representative_relation = models.CharField(
        _("relation"), max_length=16, choices=Relation, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(
        _("anonymised"), null=True, blank=True, editable=False
    )

    # Field-level audit of every change (who, when, what), shown in the admin.
    audit = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["last_name", "first_name", "patronymic"]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        permissions = [
            ("merge_applicant", _("Can merge applicant records")),
            ("export_personal_data", _("Can export everything held on a person")),
            ("anonymise_applicant", _("Can anonymise a person")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(snils="") | Q(snils__regex=r"^[0-9]{11}$"),
                name="applicant_snils_eleven_digits",
            )
        ]
        indexes = [
            models.Index(fields=["email"]),
            models.Index(fields=["snils"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["last_name", "first_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(
            p for p in (self.last_name, self.first_name, self.patronymic) if p
        )

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.birth_date, day)
