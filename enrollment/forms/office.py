"""Forms of the back office's hand-built pages: each feeds one service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from core.identifiers import digits, validate_inn
from programs.models import Cohort, FundingSource

from .. import services
from ..models import Applicant, Application, Duplicate
from ..seats import count_seats
from ..services.orders import Numbering
from ..services.people import CORRECTABLE

# Registration and blank numbers run up from the first one typed; the columns
# hold 50 and 30 characters with a prefix of up to 20.
MAX_DOCUMENT_NUMBER = 10**12


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant reads it in the e-mail and on their page."),
    )


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Grounds"),
        # Kept as the history's change reason, which holds 100 characters.
        max_length=100,
        help_text=_("For example: the person's request of 12.03.2026 No. 45."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that names, contacts, СНИЛС and files are removed for good."
        )
    )


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))


class DocumentNumberingForm(forms.Form):
    """How the documents of an order of completion are numbered: from the
    first numbers given, in the alphabetical order of the people."""

    first_registration_number = forms.IntegerField(
        label=_("Registration number of the first document"),
        min_value=1,
        max_value=MAX_DOCUMENT_NUMBER,
        help_text=_(
            "The next learners get the following numbers, in alphabetical order."
        ),
    )
    registration_prefix = forms.CharField(
        label=_("Prefix of registration numbers"), max_length=20, required=False
    )
    blank_series = forms.CharField(
        label=_("Blank series"), max_length=20, required=False
    )
    first_blank_number = forms.IntegerField(
        label=_("Number of the first blank"),
        min_value=1,
        max_value=MAX_DOCUMENT_NUMBER,
        required=False,
    )
    qualification = forms.CharField(
        label=_("Qualification"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to use the program's qualification."),
    )
    numbering_fields = (
        "first_registration_number",
        "registration_prefix",
        "blank_series",
        "first_blank_number",
        "qualification",
    )

    def numbering(self) -> Numbering | None:
        data = self.cleaned_data
        if data.get("first_registration_number") is None:
            return None
        return Numbering(
            first_registration_number=data["first_registration_number"],
            registration_prefix=data.get("registration_prefix") or "",
            blank_series=data.get("blank_series") or "",
            first_blank_number=data.get("first_blank_number"),
            qualification=data.get("qualification") or "",
        )


class DocumentReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("verify", _("The document is valid")),
            ("reject", _("Ask for a new one")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please give the reason."))
        return data


class EmploymentForm(forms.Form):
    is_employed = forms.BooleanField(label=_("Employed"), required=False)
    employer_name = forms.CharField(label=_("Employer"), max_length=255, required=False)
    employer_inn = forms.CharField(
        label=_("Employer's ИНН"),
        max_length=14,
        required=False,
        validators=[validate_inn],
    )
    position = forms.CharField(label=_("Position"), max_length=255, required=False)
    employed_on = DateField(
        label=_("Employed since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_employer_inn(self) -> str:
        return digits(self.cleaned_data["employer_inn"])


class MergeForm(forms.Form):
    keep = forms.IntegerField(widget=forms.HiddenInput)
    merge = forms.IntegerField(widget=forms.HiddenInput)


class HistoryReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=100,
        help_text=_("Kept in the history, with your name."),
    )


class QuotasForm(forms.Form):
    """A cohort's seats on each stream (0: none); the capacity is their sum."""

    def __init__(self, *args, cohort: Cohort, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = dict(cohort.quotas.values_list("stream_id", "seats"))
        counted = count_seats(cohort)
        self.streams = list(FundingSource.objects.order_by("position", "pk"))
        for stream in self.streams:
            on = counted.on(stream.pk)
            self.fields[services.quota_field(stream.pk)] = forms.IntegerField(
                label=stream.name,
                min_value=0,
                max_value=10_000,
                initial=current.get(stream.pk, 0),
                required=False,
                help_text=_("Held now: %(held)s; kept for partners: %(reserved)s.")
                % {"held": on.held, "reserved": on.reserved},
            )
        self.fields["reason"] = HistoryReasonForm.base_fields["reason"]

    def quotas(self) -> dict[int, int]:
        return {
            stream.pk: self.cleaned_data.get(services.quota_field(stream.pk)) or 0
            for stream in self.streams
        }


class DuplicateForm(forms.Form):
    """A duplicate of an issued document."""

    registration_number = forms.CharField(label=_("Registration number"), max_length=50)
    blank_series = forms.CharField(
        label=_("Blank series"), max_length=20, required=False
    )
    blank_number = forms.CharField(label=_("Blank number"), max_length=30)
    issued_on = DateField(
        label=_("Date of issue"), widget=forms.DateInput(attrs={"type": "date"})
    )
    loss = forms.ChoiceField(
        label=_("Confirmation of the loss"), choices=Duplicate.Loss.choices
    )
    exchange = forms.ChoiceField(
        label=_("Confirmation of the exchange"), choices=Duplicate.Exchange.choices
    )
    original_destroyed = forms.BooleanField(
        label=_("The original is destroyed"), required=False
    )

    def issued_document(self) -> services.IssuedDocument:
        data = self.cleaned_data
        return services.IssuedDocument(
            registration_number=data["registration_number"],
            issued_on=data["issued_on"],
            blank_series=data.get("blank_series") or "",
            blank_number=data["blank_number"],
        )


class ChangeStreamForm(forms.Form):
    stream = forms.ModelChoiceField(
        label=_("Funding stream"), queryset=FundingSource.objects.none()
    )
    reason = HistoryReasonForm.base_fields["reason"]

    def __init__(self, *args, application: Application, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stream"]
        field.queryset = FundingSource.objects.filter(
            quotas__cohort=application.cohort_id
        ).order_by("position", "pk")
        field.initial = application.stream_id


class CancelCohortForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=100,
        help_text=_("Every applicant reads it in the e-mail and on their page."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that every application to this group is withdrawn and "
            "its seats reserved for partners are released."
        )
    )


class ApplicantCorrectionForm(forms.ModelForm):
    """The person's data as staff correct it; the service checks the rules."""

    correction_reason = forms.CharField(
        label=_("Grounds for the correction"),
        max_length=100,
        help_text=_("For example: a passport shown on 12.03.2026."),
    )

    class Meta:
        model = Applicant
        fields = list(CORRECTABLE)
        field_classes = {"birth_date": DateField}
