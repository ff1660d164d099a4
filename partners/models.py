"""Industry partners of the centre and their contact people."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from programs.models import Program

from .validators import validate_inn, validate_kpp, validate_ogrn


class Partner(models.Model):
    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        ENTREPRENEUR = "entrepreneur", _("Individual entrepreneur")

    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind, default=Kind.ORGANISATION
    )
    full_name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=200)
    inn = models.CharField(_("ИНН"), max_length=12, unique=True)
    kpp = models.CharField(_("КПП"), max_length=9, blank=True)
    ogrn = models.CharField(_("ОГРН / ОГРНИП"), max_length=15)
    industry = models.CharField(_("industry"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)
    description = models.TextField(_("description"), blank=True)
    programs = models.ManyToManyField(
        Program,
        blank=True,
        related_name="partners",
        verbose_name=_("programs it takes part in"),
    )
    is_public = models.BooleanField(
        _("shown on the site"),
        default=False,
        help_text=_("Only partners who agreed are listed on the public page."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="organisation",
                        inn__regex=r"^[0-9]{10}$",
                        ogrn__regex=r"^[15][0-9]{12}$",
                    )
                    | Q(
                        kind="entrepreneur",
                        inn__regex=r"^[0-9]{12}$",
                        ogrn__regex=r"^3[0-9]{14}$",
                        kpp="",
                    )
                ),
                name="partner_numbers_fit_the_kind",
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return f"{reverse('partners:list')}#partner-{self.pk}"

    def clean(self) -> None:
        """Put a clear message on each number that does not fit the rules."""
        errors: dict[str, ValidationError] = {}
        entrepreneur = self.kind == self.Kind.ENTREPRENEUR
        self.inn = (self.inn or "").strip()
        self.kpp = (self.kpp or "").strip().upper()
        self.ogrn = (self.ogrn or "").strip()
        checks = [
            ("inn", lambda: validate_inn(self.inn, length=12 if entrepreneur else 10)),
            ("ogrn", lambda: validate_ogrn(self.ogrn, entrepreneur=entrepreneur)),
        ]
        if entrepreneur:
            if self.kpp:
                errors["kpp"] = ValidationError(
                    _("An individual entrepreneur has no КПП."), code="kpp_entrepreneur"
                )
        elif not self.kpp:
            errors["kpp"] = ValidationError(
                _("An organisation has a КПП."), code="kpp_required"
            )
        else:
            checks.append(("kpp", lambda: validate_kpp(self.kpp)))
        for field, check in checks:
            try:
                check()
            except ValidationError as error:
                errors[field] = error
        if errors:
            raise ValidationError(errors)


class Contact(models.Model):
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("partner"),
    )
    name = models.CharField(_("name"), max_length=300)
    position = models.CharField(_("job title"), max_length=200, blank=True)
    phone = PhoneNumberField(_("phone"), region="RU", blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")

    def __str__(self) -> str:
        return self.name
