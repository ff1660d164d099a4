"""The catalog's filter form (it checks the shape of the query string only), the
eligibility check's, and the request to be told when a group opens."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, HoneypotMixin

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
from .selectors import (
    MAX_QUERY_LENGTH,
    CatalogFilters,
    Sort,
    applied_sort,
    default_sort,
)

STARTS_WITHIN_CHOICES = [
    ("", _("Any time")),
    (14, _("Within 2 weeks")),
    (30, _("Within a month")),
    (90, _("Within 3 months")),
    (180, _("Within 6 months")),
]
COST_CHOICES = [("", _("Free and paid")), ("free", _("Free")), ("paid", _("Paid"))]
SORT_LABELS = {
    Sort.RELEVANCE: _("By relevance"),
    Sort.START: _("Nearest start"),
    Sort.TITLE: _("Title"),
    Sort.HOURS: _("Duration"),
    Sort.PRICE: _("Price"),
}
# No order ("") is the default one: the most relevant first for a search, the
# nearest start otherwise (selectors.default_sort).
SORT_CHOICES = list(SORT_LABELS.items())
# The filters shown as chips above the results, in the sidebar's order; the
# search term and the order are not filters.
CHIP_FIELDS = ("direction", "kind", "form", "cost", "category", "starts")


@dataclass(frozen=True)
class SortOption:
    """One entry of the sort menu."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class FilterOption:
    """One value of a filter in the sidebar."""

    value: str
    label: str
    selected: bool
    id: str  # the input's id, for its label


@dataclass(frozen=True)
class FilterGroup:
    """One filter of the sidebar: check boxes (several values) or a list."""

    name: str
    label: str
    multiple: bool
    options: list[FilterOption]


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use, shown as a chip that removes it."""

    label: str  # the filter's name: «Направление»
    value: str  # what was chosen, in words: «Сварочные технологии»
    remove_url: str  # the same list without this one value


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
    # Rendered by the template from sort_menu(), which offers what fits the
    # query and marks the order really applied.
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

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
        if not self.is_bound:
            return CatalogFilters()
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

    def sort_menu(self, filters: CatalogFilters) -> list[SortOption]:
        """The sort menu: relevance only for a search, the default order
        first (its value empty, so that a new search starts most relevant
        first), and the order really applied selected."""
        default = default_sort(filters)
        applied = applied_sort(filters)
        orders = [default] + [
            s for s in SORT_LABELS if s not in (default, Sort.RELEVANCE)
        ]
        return [
            SortOption(
                value="" if sort == default else sort,
                label=str(SORT_LABELS[sort]),
                selected=sort == applied,
            )
            for sort in orders
        ]

    def active_filters(self, base_url: str) -> list[ActiveFilter]:
        """Each filter value in use, with the address of the list without it
        (the other filters, the search term and the order kept)."""
        params = self._clean_params()
        chips = []
        for index, (name, value) in enumerate(params):
            if name not in CHIP_FIELDS:
                continue
            field = self.fields[name]
            labels = {str(key): str(label) for key, label in field.choices}
            chips.append(
                ActiveFilter(
                    label=str(field.label),
                    value=labels.get(value, value),
                    remove_url=_list_url(
                        base_url, params[:index] + params[index + 1 :]
                    ),
                )
            )
        return chips

    def sidebar(self) -> list[FilterGroup]:
        """The filters as the sidebar shows them, each value marked if in use.

        Built here and written out by a plain template: a form renderer's
        templates per field and per option cost a third of the catalog's time."""
        in_use = set(self._clean_params())
        groups = []
        for name in CHIP_FIELDS:
            field = self.fields[name]
            multiple = isinstance(field, forms.MultipleChoiceField)
            options = [
                FilterOption(
                    value=str(value),
                    label=str(label),
                    selected=(name, str(value)) in in_use,
                    id=f"id_{name}_{index}" if multiple else "",
                )
                for index, (value, label) in enumerate(field.choices)
            ]
            groups.append(FilterGroup(name, str(field.label), multiple, options))
        return groups

    def reset_url(self, base_url: str) -> str:
        """The list without any filter, the search term and the order kept."""
        return _list_url(
            base_url, [(k, v) for k, v in self._clean_params() if k not in CHIP_FIELDS]
        )

    def _clean_params(self) -> list[tuple[str, str]]:
        """The query string's valid, non-empty values, in the form's order."""
        if not self.is_bound:
            return []
        self.is_valid()  # cleans once; a field that failed is left out
        params: list[tuple[str, str]] = []
        for name in self.fields:
            value = self.cleaned_data.get(name)
            values = value if isinstance(value, list) else [value]
            for v in values:
                if v not in (None, "") and (name, str(v)) not in params:
                    params.append((name, str(v)))
        return params


def _list_url(base_url: str, params: list[tuple[str, str]]) -> str:
    return f"{base_url}?{urlencode(params)}" if params else base_url


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


class ProgramSubscriptionForm(HoneypotMixin, forms.Form):
    """An address to tell when a group of the program opens, with its own
    consent (152-ФЗ: apart from any other, for this notice only)."""

    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.ru."),
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "placeholder": "name@example.ru"}
        ),
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _("Without this consent we cannot keep your address.")
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_notice_%s")
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = format_html(
            '{} (<a href="{}" target="_blank" rel="noopener">{}</a>)',
            _(
                "I agree that the centre keeps my e-mail address to tell me when "
                "applications to a group of this program open, and for nothing else"
            ),
            reverse("programs:notice_consent"),
            _("read the full text"),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The program page is cached for everyone: no token in it (the
        # subscription view says why it needs none).
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "email", "consent", Div("website", css_class="hp-field")
        )
