"""The catalog's filter form: it checks the shape of the query string only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField

from . import eligibility
from .models import (
    CategoryCode,
    Cohort,
    Direction,
    EducationLevel,
    FundingSource,
    LearnerCategory,
    Program,
    ProgramKind,
    StudyForm,
)
from .selectors import MAX_QUERY_LENGTH, CatalogFilters, Sort

STARTS_WITHIN_CHOICES = [
    ("", _("Any time")),
    (14, _("Within 2 weeks")),
    (30, _("Within a month")),
    (90, _("Within 3 months")),
    (180, _("Within 6 months")),
]
COST_CHOICES = [("", _("Free and paid")), ("free", _("Free")), ("paid", _("Paid"))]
SORT_CHOICES = [
    ("", _("Nearest start")),
    (Sort.RELEVANCE, _("Relevance")),
    (Sort.TITLE, _("Title")),
    (Sort.HOURS, _("Duration")),
    (Sort.PRICE, _("Price")),
]


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Drop unknown values instead of rejecting the whole selection."""

    def to_python(self, value) -> list[str]:
        return [v for v in super().to_python(value) if self.valid_value(v)]


class CatalogFilterForm(forms.Form):
    """Bound to request.GET; an invalid value drops that filter, never the page."""

    q = forms.CharField(label=_("Search"), required=False, strip=True)
    direction = LenientMultipleChoiceField(
        label=_("Direction"), required=False, widget=forms.CheckboxSelectMultiple
    )
    kind = LenientMultipleChoiceField(
        label=_("Kind of program"),
        required=False,
        choices=ProgramKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    form = LenientMultipleChoiceField(
        label=_("Form of study"),
        required=False,
        choices=StudyForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    cost = forms.ChoiceField(label=_("Cost"), required=False, choices=COST_CHOICES)
    category = forms.ChoiceField(
        label=_("Who it is for"),
        required=False,
        choices=[("", _("Anyone")), *list(CategoryCode.choices)],
    )
    starts = forms.TypedChoiceField(
        label=_("Starts"),
        required=False,
        choices=STARTS_WITHIN_CHOICES,
        coerce=int,
        empty_value=None,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=SORT_CHOICES,
        widget=forms.Select(
            attrs={"class": "form-select form-select-sm", "data-autosubmit": ""}
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = list(
            Direction.objects.filter(programs__is_published=True)
            .distinct()
            .order_by("position", "name")
            .values_list("slug", "name")
        )

    def clean_q(self) -> str:
        # Over-long input is clamped rather than refused: a search never fails.
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY_LENGTH]

    def to_filters(self) -> CatalogFilters:
        """Build filters from the valid fields, ignoring any that failed."""
        self.is_valid()
        data = self.cleaned_data
        return CatalogFilters(
            q=data.get("q") or "",
            directions=tuple(data.get("direction") or ()),
            kinds=tuple(data.get("kind") or ()),
            forms=tuple(data.get("form") or ()),
            cost=data.get("cost") or "",
            category=data.get("category") or "",
            starts_within=data.get("starts"),
            sort=data.get("sort") or "",
        )


class EligibilityForm(forms.Form):
    """The short check on a program's page: who may study on which stream.
    Nothing typed here is stored."""

    birth_date = DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    education_level = forms.ChoiceField(
        label=_("Education"), choices=[("", "—"), *list(EducationLevel.choices)]
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Which of these apply to you?"),
        queryset=LearnerCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cohort = forms.ModelChoiceField(
        label=_("Group"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=None,
        help_text=_("Ages count on the group's first day."),
    )

    def __init__(
        self,
        *args,
        program: Program,
        cohorts: list[Cohort],
        streams: list[FundingSource],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = eligibility.offered_categories(
            program, streams
        )
        if len(cohorts) > 1:
            field = self.fields["cohort"]
            field.queryset = Cohort.objects.filter(pk__in=[c.pk for c in cohorts])
            field.label_from_instance = lambda c: (
                _("%(code)s, from %(start)s")
                % {"code": c.code, "start": c.starts_on.strftime("%d.%m.%Y")}
            )
        else:
            del self.fields["cohort"]

    def situation(self) -> eligibility.Situation:
        data = self.cleaned_data
        return eligibility.Situation(
            birth_date=data["birth_date"],
            education_level=data["education_level"],
            categories=frozenset(c.code for c in data.get("categories") or []),
        )
