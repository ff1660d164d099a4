"""The centre itself as its papers name it: the provider of every contract, the
issuer of every order and invoice. One row, edited by staff through a
service."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

CENTRE_PK = 1


class Centre(models.Model):
    """The centre's details (there is exactly one row, pk 1)."""

    class Sex(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    full_name = models.CharField(
        _("full name"),
        max_length=500,
        help_text=_("As in the charter, for example: «Государственное автономное…»."),
    )
    short_name = models.CharField(_("short name"), max_length=200)
    address = models.CharField(_("legal address"), max_length=500)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("e-mail"), max_length=254)
    inn = models.CharField(_("ИНН"), max_length=10)
    kpp = models.CharField(_("КПП"), max_length=9)
    ogrn = models.CharField(_("ОГРН"), max_length=13)
    bank_name = models.CharField(_("bank"), max_length=300)
    bik = models.CharField(_("БИК"), max_length=9)
    account = models.CharField(_("settlement account"), max_length=20)
    correspondent_account = models.CharField(_("correspondent account"), max_length=20)
    treasury_details = models.CharField(
        _("treasury details"),
        max_length=300,
        blank=True,
        help_text=_(
            "For a state institution paid through the treasury: the personal "
            "account and the treasury's name, printed on invoices."
        ),
    )
    licence_number = models.CharField(_("licence number"), max_length=60)
    licence_date = models.DateField(_("licence date"))
    licence_issuer = models.CharField(_("licence issued by"), max_length=300)
    signatory_last_name = models.CharField(_("signatory's last name"), max_length=100)
    signatory_first_name = models.CharField(_("signatory's first name"), max_length=100)
    signatory_patronymic = models.CharField(
        _("signatory's patronymic"), max_length=100, blank=True
    )
    signatory_sex = models.CharField(_("signatory's sex"), max_length=8, choices=Sex)
    signatory_position = models.CharField(
        _("signatory's position"),
        max_length=100,
        help_text=_("In the nominative, for example: «директор»."),
    )
    signatory_position_genitive = models.CharField(
        _("signatory's position (genitive)"),
        max_length=100,
        help_text=_("As in «в лице директора …»: «директора»."),
    )
    signatory_authority = models.CharField(
        _("signatory acts on the basis of"),
        max_length=200,
        help_text=_("In the genitive, as in «действующего на основании Устава»."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    audit = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("centre's details")
        verbose_name_plural = _("centre's details")
        constraints = [
            models.CheckConstraint(condition=Q(pk=CENTRE_PK), name="centre_is_one_row"),
            models.CheckConstraint(
                condition=Q(inn__regex=r"^[0-9]{10}$")
                & Q(kpp__regex=r"^[0-9]{9}$")
                & Q(ogrn__regex=r"^[0-9]{13}$")
                & Q(bik__regex=r"^04[0-9]{7}$")
                & Q(account__regex=r"^[0-9]{20}$")
                & Q(correspondent_account__regex=r"^[0-9]{20}$"),
                name="centre_numbers_are_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def signatory_initials(self) -> str:
        """«А. С. Петрова», as a signature line prints it."""
        initials = " ".join(
            f"{name[0]}."
            for name in (self.signatory_first_name, self.signatory_patronymic)
            if name
        )
        return f"{initials} {self.signatory_last_name}".strip()
