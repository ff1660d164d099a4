"""Forms of the public enrollment pages: they check the shape of the input; the
rules that decide (age, education, a closed group) come from the services, so
that every message appears at once, next to its field."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from core.forms import DateField, HoneypotMixin
from core.identifiers import normalize_snils, validate_snils
from programs import eligibility
from programs.models import Cohort, EducationLevel, FundingSource, LearnerCategory

from .. import selectors, services
from ..models import DocumentKind, Relation, Sex, StagedUpload
from ..seats import Seats, count_seats
from ..services.staging import open_staged

DOCUMENT_FIELDS = {
    DocumentKind.PASSPORT: "document_passport",
    DocumentKind.EDUCATION: "document_education",
    DocumentKind.SNILS: "document_snils",
    DocumentKind.OTHER: "document_other",
}
# The e-mail columns' length (Django's EmailField); the form's default is 320.
EMAIL_MAX_LENGTH = 254
FILE_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
# What each required field says when left empty, instead of «Обязательное поле.»
REQUIRED_MESSAGES = {
    "last_name": _("Enter your last name."),
    "first_name": _("Enter your first name."),
    "birth_date": _("Enter your date of birth."),
    "sex": _("Choose your sex."),
    "phone": _("Enter your phone number."),
    "email": _(
        "Enter your e-mail address: we send the link to your application there."
    ),
    "municipality": _("Enter the town or district where you live."),
    "education_level": _("Choose the education you have."),
}
# Required only of applicants under 18: marked, checked by the service.
GUARDIAN_REQUIRED = (
    "representative_name",
    "representative_relation",
    "representative_phone",
)
DOCUMENT_TEMPLATE = "enrollment/_document_field.html"


class RussianPhoneField(PhoneNumberField):
    """+7 and ten digits; a leading 8 means +7."""

    default_error_messages = {
        "invalid": _("Enter a phone number like +7 912 345-67-89 or 8 912 345-67-89."),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("region", "RU")
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "autocomplete": "tel",
                    "placeholder": "+7 ___ ___-__-__",
                }
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        number = super().to_python(value)
        if number in self.empty_values:
            return number
        if number.country_code != 7 or len(str(number.national_number)) != 10:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class DocumentField(forms.FileField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("PDF, JPEG or PNG, up to 10 MB."))
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            services.check_file(upload)
        return upload


HONEYPOT = Div("website", css_class="hp-field")
STAGED_FIELDS = (*DOCUMENT_FIELDS.values(), "document_category")


class ApplicationForm(HoneypotMixin, forms.Form):
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    patronymic = forms.CharField(
        label=_("Patronymic"),
        max_length=100,
        required=False,
        help_text=_("If you have one."),
        widget=forms.TextInput(attrs={"autocomplete": "additional-name"}),
    )
    birth_date = DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(
            attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"
        ),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect
    )
    phone = RussianPhoneField(label=_("Phone"))
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("We send the link to your application here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    municipality = forms.CharField(
        label=_("Municipality"),
        max_length=150,
        help_text=_("The town or district where you live."),
    )
    education_level = forms.ChoiceField(
        label=_("Education"), choices=[("", "—"), *list(EducationLevel.choices)]
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Which of these apply to you?"),
        queryset=LearnerCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Some groups are free for these categories under the federal project."
        ),
    )
    snils = forms.CharField(
        label=_("СНИЛС"),
        required=False,
        max_length=20,
        help_text=_(
            "Optional now, required before enrolment. Example: 112-233-445 95."
        ),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "placeholder": "___-___-___ __"}
        ),
    )
    representative_name = forms.CharField(
        label=_("Full name of the parent or guardian"), max_length=300, required=False
    )
    representative_relation = forms.ChoiceField(
        label=_("Who they are to you"),
        choices=[("", "—"), *list(Relation.choices)],
        required=False,
    )
    representative_phone = RussianPhoneField(label=_("Their phone"), required=False)
    representative_email = forms.EmailField(
        label=_("Their e-mail"), max_length=EMAIL_MAX_LENGTH, required=False
    )
    stream = forms.ModelChoiceField(
        label=_("Who pays for the training"),
        queryset=FundingSource.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Please choose how the training will be paid for.")
        },
    )
    accepts_other_streams = forms.BooleanField(
        label=_(
            "If the chosen stream has no free seat, offer me a seat on another "
            "stream I may use"
        ),
        required=False,
    )
    document_passport = DocumentField(label=_("Passport or birth certificate"))
    document_education = DocumentField(label=_("Education document"))
    document_snils = DocumentField(label=_("Scan of the СНИЛС card"))
    document_other = DocumentField(label=_("Other document"))
    document_category = DocumentField(
        label=_("Document confirming your category"),
        help_text=_(
            "For a free stream: for example, the certificate of registration with "
            "the employment service. PDF, JPEG or PNG, up to 10 MB."
        ),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        cohort: Cohort,
        staged: dict[str, StagedUpload] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        program = cohort.program
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        for name in GUARDIAN_REQUIRED:
            field = self.fields[name]
            field.label = format_html(
                '{}<span class="asteriskField" aria-hidden="true">*</span>',
                field.label,
            )
            field.widget.attrs["aria-required"] = "true"
        self.staged: dict[str, StagedUpload] = {}
        self.set_staged(staged or {})
        # The cohort's streams with their rules: the service takes them too,
        # so that it does not read them again while it holds the cohort's lock.
        self.streams = eligibility.cohort_streams(cohort)
        stream_field = self.fields["stream"]
        stream_field.queryset = FundingSource.objects.filter(
            pk__in=[s.pk for s in self.streams]
        ).order_by("position", "pk")
        stream_field.label_from_instance = self.stream_label
        if len(self.streams) == 1:
            # The only stream: chosen already (the service takes it if none is sent).
            stream_field.initial = self.streams[0].pk
            stream_field.required = False
        else:
            stream_field.help_text = _(
                "Free streams are for the categories they name; you can check "
                "on the program page whether you may study for free."
            )
        multiple = len(self.streams) > 1
        if not multiple:
            del self.fields["accepts_other_streams"]
        self.fields["categories"].queryset = eligibility.offered_categories(
            program, self.streams
        )
        self.fields["birth_date"].help_text = _(
            "On the first day of the group, %(date)s, you must be at least %(age)s old."
        ) % {
            "date": cohort.starts_on.strftime("%d.%m.%Y"),
            "age": eligibility.years(program.min_age),
        }
        if program.required_education != EducationLevel.NONE:
            self.fields["education_level"].help_text = _(
                "This program requires %(education)s."
            ) % {"education": eligibility.education_needed(program.required_education)}
        reservations = list(
            cohort.reservations.filter(release_on__gt=timezone.localdate()).order_by(
                "employer_name"
            )
        )
        if reservations:
            self.fields["employer_inn"] = forms.ChoiceField(
                label=_("I work for"),
                required=False,
                choices=[("", _("None of these"))]
                + [(r.employer_inn, r.employer_name) for r in reservations],
                help_text=_(
                    "Some seats are reserved for employees of these partners; the "
                    "centre checks it with the employer."
                ),
            )
        self.consent_texts = selectors.current_consent_texts()
        for text in self.consent_texts:
            name = f"consent_{text.kind}"
            self.fields[name] = forms.BooleanField(
                # Each link names its text for a screen reader: two links
                # both called «read the full text» would lead to different pages.
                label=format_html(
                    '<span lang="{}">{}</span> '
                    '(<a href="{}" target="_blank" rel="noopener">{}'
                    '<span class="visually-hidden" lang="{}">: {}</span></a>)',
                    settings.LANGUAGE_CODE,
                    text.title,
                    reverse("enrollment:consent", kwargs={"kind": text.kind}),
                    _("read the full text"),
                    settings.LANGUAGE_CODE,
                    text.title,
                ),
                required=text.is_required,
                error_messages={
                    "required": _(
                        "Without this consent we cannot accept the application."
                    )
                },
            )

    @cached_property
    def helper(self) -> FormHelper:
        """How the form is laid out: built only to show it, never to send it."""
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            Fieldset(
                _("About you"),
                Div(
                    Div("last_name", css_class="col-md-4"),
                    Div("first_name", css_class="col-md-4"),
                    Div("patronymic", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("birth_date", css_class="col-md-4"),
                    Div("sex", css_class="col-md-8"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Contacts"),
                Div(
                    Div("phone", css_class="col-md-4"),
                    Div("email", css_class="col-md-4"),
                    Div("municipality", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Funding"),
                "stream",
                *(
                    ["accepts_other_streams"]
                    if "accepts_other_streams" in self.fields
                    else []
                ),
            ),
            Fieldset(
                _("Education and category"),
                *(["employer_inn"] if "employer_inn" in self.fields else []),
                Div(
                    Div("education_level", css_class="col-md-6"),
                    Div("snils", css_class="col-md-6"),
                    css_class="row",
                ),
                "categories",
            ),
            Div(
                Fieldset(
                    _("Parent or guardian"),
                    HTML(
                        format_html(
                            '<p class="text-muted small">{}</p>',
                            _(
                                "Applicants under 18 on the first day of the group apply "
                                "together with a parent or guardian."
                            ),
                        )
                    ),
                    Div(
                        Div("representative_name", css_class="col-md-6"),
                        Div("representative_relation", css_class="col-md-6"),
                        Div("representative_phone", css_class="col-md-6"),
                        Div("representative_email", css_class="col-md-6"),
                        css_class="row",
                    ),
                ),
                css_id="representative",
                data_starts_on=self.cohort.starts_on.isoformat(),
            ),
            Fieldset(
                _("Documents"),
                HTML(
                    format_html(
                        '<p class="text-muted small">{}</p>',
                        _(
                            "You can also add them later on the page of your application."
                        ),
                    )
                ),
                Div(
                    *(
                        Div(
                            Field(name, template=DOCUMENT_TEMPLATE),
                            css_class="col-md-6",
                        )
                        for name in (
                            "document_passport",
                            "document_education",
                            "document_snils",
                            "document_category",
                            "document_other",
                        )
                    ),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Consents"), *(f"consent_{text.kind}" for text in self.consent_texts)
            ),
            "submission_key",
            HONEYPOT,
            Submit("submit", _("Send the application"), css_class="btn-lg mt-2"),
        )
        return helper

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_patronymic(self) -> str:
        return " ".join(self.cleaned_data["patronymic"].split())

    def clean_snils(self) -> str:
        value = self.cleaned_data["snils"]
        if not value.strip():
            return ""
        validate_snils(value)
        return normalize_snils(value)

    def clean(self) -> dict:
        data = super().clean()
        if "birth_date" in data:
            # The services' rules, so that every message shows at once; a field
            # that already has an error keeps that one.
            try:
                services.check_applicant_fits(self.applicant_data(), self.cohort)
                if data.get("stream"):
                    services.choose_stream(
                        self.cohort,
                        self.applicant_data(),
                        data["stream"].pk,
                        streams=self.streams,
                    )
            except ValidationError as error:
                for field, messages in error.error_dict.items():
                    if field not in self.errors:
                        self.add_error(field, messages)
        return data

    def set_staged(self, staged: dict[str, StagedUpload]) -> None:
        """The files kept from an earlier sending of this form, by field;
        each file field shows its own."""
        self.staged = staged
        for name in STAGED_FIELDS:
            self.fields[name].staged = staged.get(name)  # type: ignore[attr-defined]

    def removed_staged(self) -> list[str]:
        """The kept files the person asked to remove."""
        return [
            name
            for name in self.staged
            if self.is_bound and self.data.get(f"{name}-remove")
        ]

    def uploads_to_keep(self) -> dict[str, object]:
        """The files sent now that passed their check, by field: kept for the
        next sending when the form comes back with an error."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name]
            for name in STAGED_FIELDS
            if cleaned.get(name) and name not in self.errors
        }

    @cached_property
    def seats(self) -> Seats:
        """The cohort's seats now, by stream: counted only to show the form,
        never to send it (the service counts them under the cohort's lock)."""
        return count_seats(self.cohort)

    @property
    def seats_open(self) -> int:
        """The seats the cohort has open now, on all its streams."""
        return self.seats.open

    def stream_id(self) -> int | None:
        stream = self.cleaned_data.get("stream")
        return stream.pk if stream else None

    def stream_label(self, stream: FundingSource) -> str:
        """The stream with its rules and the seats it has open now."""
        open_seats = self.seats.on(stream.pk).open
        seats = (
            ngettext("%(count)s seat open", "%(count)s seats open", open_seats)
            % {"count": open_seats}
            if open_seats
            else gettext("no seats open: the waiting list")
        )
        return format_html(
            '<span lang="{}">{}</span>'
            '<span class="d-block small text-muted">{} · {}</span>',
            settings.LANGUAGE_CODE,
            stream.name,
            eligibility.stream_requirements(stream, short=True),
            seats,
        )

    def applicant_data(self) -> services.ApplicantData:
        data = self.cleaned_data
        return services.ApplicantData(
            last_name=data.get("last_name", ""),
            first_name=data.get("first_name", ""),
            patronymic=data.get("patronymic", ""),
            birth_date=data["birth_date"],
            sex=data.get("sex", ""),
            phone=str(data.get("phone") or ""),
            email=data.get("email", ""),
            municipality=data.get("municipality", ""),
            education_level=data.get("education_level") or EducationLevel.NONE,
            categories=list(data.get("categories") or []),
            snils=data.get("snils", ""),
            representative_name=data.get("representative_name", ""),
            representative_phone=str(data.get("representative_phone") or ""),
            representative_email=data.get("representative_email", ""),
            representative_relation=data.get("representative_relation", ""),
        )

    def documents(self) -> list[tuple[str, object]]:
        """The files to store, by document kind: each one sent now, or else
        the one kept from an earlier sending unless the person removed it."""
        removed = set(self.removed_staged())
        kinds = {name: kind for kind, name in DOCUMENT_FIELDS.items()}
        files = []
        for name in (*DOCUMENT_FIELDS.values(), "document_category"):
            upload = self.cleaned_data.get(name)
            if not upload and name in self.staged and name not in removed:
                upload = open_staged(self.staged[name])
            if upload:
                kind = kinds.get(name) or self.category_document_kind()
                files.append((kind, upload))
        return files

    def category_document_kind(self) -> str:
        """The kind of the category's paper: the first one the chosen stream
        asks of this person beyond the program's own."""
        stream = self.cleaned_data.get("stream")
        if stream is None:
            return DocumentKind.OTHER
        verdict = eligibility.check_stream(
            stream,
            self.cohort.program,
            self.cohort.starts_on,
            services.situation(self.applicant_data()),
        )
        extra = [k for k in verdict.documents if k not in DOCUMENT_FIELDS]
        return extra[0] if extra else DocumentKind.OTHER

    def consent_text_ids(self) -> list[int]:
        return [
            text.pk
            for text in self.consent_texts
            if self.cleaned_data.get(f"consent_{text.kind}")
        ]


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = DocumentField(label=_("File"), required=True)

    def __init__(self, *args, application=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if application is not None:
            # The papers this application asks for first, then those it has
            # (a rejected one is replaced), then the usual ones.
            wanted = selectors.required_document_kinds(application)
            held = list(
                application.documents.order_by("pk").values_list("kind", flat=True)
            )
            usual = [DocumentKind.SNILS, DocumentKind.NAME_CHANGE, DocumentKind.OTHER]
            kinds = list(dict.fromkeys([*wanted, *held, *usual]))
            self.fields["kind"].choices = [(k, DocumentKind(k).label) for k in kinds]
            # The first paper still wanted is offered first: never one already
            # uploaded (a rejected one counts as wanted again).
            usable = set(
                application.documents.exclude(status="rejected").values_list(
                    "kind", flat=True
                )
            )
            missing = [k for k in wanted if k not in usable]
            self.fields["kind"].initial = missing[0] if missing else DocumentKind.OTHER


class LostLinkForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail you applied with"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("email", HONEYPOT)
