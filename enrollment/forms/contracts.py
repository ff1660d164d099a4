"""Forms of contracts: the customer's details staff enter, the decisions on a
signed copy, the applicant's upload of it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ContractKind
from ..services.contract_terms import MAX_INSTALMENTS, Party
from .office import HistoryReasonForm

SEX_CHOICES = [("", "—"), ("male", _("male")), ("female", _("female"))]


class ContractForm(forms.Form):
    """The customer and the terms; which fields show depends on who signs."""

    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)
    identity_document = forms.CharField(
        label=_("Identity document"),
        max_length=300,
        required=False,
        help_text=_("For example: паспорт 4510 123456, выдан … 01.02.2015."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    learner_address = forms.CharField(
        label=_("Learner's address"),
        max_length=300,
        required=False,
        help_text=_("When someone else pays."),
    )
    organisation = forms.CharField(
        label=_("Organisation (full name)"), max_length=300, required=False
    )
    inn = forms.CharField(label=_("ИНН"), max_length=20, required=False)
    kpp = forms.CharField(label=_("КПП"), max_length=20, required=False)
    ogrn = forms.CharField(label=_("ОГРН"), max_length=20, required=False)
    signatory_position_genitive = forms.CharField(
        label=_("Signatory's position (genitive)"),
        max_length=100,
        required=False,
        help_text=_("As in «в лице генерального директора …»."),
    )
    signatory_authority = forms.CharField(
        label=_("Signatory acts on the basis of"),
        max_length=200,
        required=False,
        help_text=_("In the genitive: «Устава», «доверенности № 5 от 10.01.2026»."),
    )
    maternity_certificate = forms.CharField(
        label=_("Maternity capital certificate"), max_length=100, required=False
    )
    price = forms.DecimalField(
        label=_("Price, roubles"), max_digits=10, decimal_places=2, min_value=0
    )
    instalments = forms.IntegerField(
        label=_("Number of payments"), min_value=1, max_value=MAX_INSTALMENTS, initial=1
    )
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=200, required=False
    )

    # The fields each kind of contract shows (the rest are hidden).
    PERSON = ("last_name", "first_name", "patronymic", "sex", "identity_document")
    FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
        ContractKind.ADULT: (*PERSON, "address", "phone"),
        ContractKind.REPRESENTATIVE: (*PERSON, "address", "phone", "learner_address"),
        ContractKind.MATERNITY: (
            *PERSON,
            "address",
            "phone",
            "learner_address",
            "maternity_certificate",
        ),
        ContractKind.EMPLOYER: (
            "organisation",
            "inn",
            "kpp",
            "ogrn",
            "address",
            "phone",
            "last_name",
            "first_name",
            "patronymic",
            "sex",
            "signatory_position_genitive",
            "signatory_authority",
            "learner_address",
        ),
    }

    def __init__(
        self,
        *args: Any,
        kind: str,
        budget: bool,
        correcting: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        shown = set(self.FIELDS_BY_KIND[kind]) | {"price", "instalments"}
        if budget:
            shown -= {"price", "instalments"}
        if correcting:
            shown.add("reason")
            self.fields["reason"].required = True
        if kind == ContractKind.EMPLOYER:
            self.fields["last_name"].label = _("Signatory's last name")
            self.fields["first_name"].label = _("Signatory's first name")
            self.fields["patronymic"].label = _("Signatory's patronymic")
            self.fields["sex"].label = _("Signatory's sex")
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]

    def party(self) -> Party:
        return Party.from_mapping(self.cleaned_data)


class CustomerDetailsForm(forms.Form):
    """What the applicant gives for their contract: the fields their kind of
    contract needs (the names are on the application already)."""

    sex = forms.ChoiceField(
        label=_("Sex of the legal representative"),
        choices=SEX_CHOICES,
        help_text=_("The contract names them in the right grammatical form."),
    )
    identity_document = forms.CharField(
        label=_("Passport"),
        max_length=300,
        help_text=_(
            "Series, number, who issued it and when: паспорт 4510 123456, выдан "
            "ГУ МВД России по г. Москве 01.02.2015."
        ),
    )
    address = forms.CharField(
        label=_("Registered address"),
        max_length=300,
        help_text=_("With the postcode, as in the passport."),
    )
    learner_address = forms.CharField(
        label=_("The learner's address"),
        max_length=300,
        help_text=_("Where the learner lives, with the postcode."),
    )
    maternity_certificate = forms.CharField(
        label=_("Maternity capital certificate"),
        max_length=100,
        help_text=_("Its series and number."),
    )

    def __init__(self, *args: Any, fields: tuple[str, ...], kind: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        if kind != ContractKind.ADULT:
            self.fields["identity_document"].label = _(
                "Passport of the legal representative"
            )
            self.fields["address"].label = _(
                "Registered address of the legal representative"
            )
        else:
            self.fields["address"].widget.attrs["autocomplete"] = "street-address"

    def party(self) -> Party:
        return Party.from_mapping(self.cleaned_data)


class ContractBatchForm(forms.Form):
    send = forms.BooleanField(
        label=_("Send each contract to the applicant as soon as it is prepared"),
        required=False,
    )


class SignedCheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("The signed copy is right")),
            ("return", _("Return it to the applicant")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("The applicant reads it when the copy is returned."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not data.get("reason", "").strip():
            self.add_error("reason", _("Please give the reason."))
        return data


class CancelContractForm(forms.Form):
    reason = HistoryReasonForm.base_fields["reason"]


class SignedUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Signed contract"),
        help_text=_("A PDF, or a photo (JPEG or PNG) of every page."),
    )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Sum, roubles"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    paid_on = forms.DateField(
        label=_("Date of payment"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    document = forms.CharField(
        label=_("Payment document"),
        max_length=100,
        help_text=_("For example: платёжное поручение № 512 от 01.12.2026."),
    )


class RefundForm(PaymentForm):
    comment = forms.CharField(label=_("Reason for the refund"), max_length=300)
