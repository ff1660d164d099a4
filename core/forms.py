"""Form fields every app may use, and the honeypot of the public forms."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Dates a person may sensibly type: a year 1 or 9999 passes a plain DateField
# and then overflows the moment a day is added or a time zone applied.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


class DescribedBoundField(BoundField):
    """A field whose help and error are tied to each of its inputs.

    Django ties them to the ``<fieldset>`` of a group of radio buttons or
    checkboxes, which screen readers do not read out when a button gets the
    focus: the person hears «invalid» and never the reason.
    """

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        described_by = self.aria_describedby if self.use_fieldset else None
        if described_by and not attrs.get("aria-describedby"):
            attrs["aria-describedby"] = described_by
        return attrs


class FormRenderer(DjangoTemplates):
    """The project's form renderer (settings.FORM_RENDERER): every form's
    fields are :class:`DescribedBoundField`."""

    bound_field_class = DescribedBoundField


class DateField(forms.DateField):
    """A date between 1900 and 2100, typed as 2026-03-12 or 12.03.2026."""

    input_formats = ["%Y-%m-%d", "%d.%m.%Y"]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)
        # A browser's date input takes only ISO dates, whatever the language.
        if isinstance(self.widget, forms.DateInput):
            self.widget.format = "%Y-%m-%d"

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValidationError(
                _("Enter a date between %(first)s and %(last)s.")
                % {
                    "first": EARLIEST_DATE.strftime("%d.%m.%Y"),
                    "last": LATEST_DATE.strftime("%d.%m.%Y"),
                },
                code="date_range",
            )


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors next to their fields, the rest on top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by the stylesheet's ``hp-field``, not
    announced) and naive bots fill in: a form that has it filled is refused."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            logger.info("A form was refused: its honeypot field was filled in.")
            raise ValidationError(
                _("The form could not be sent. Please try again."), code="honeypot"
            )
        return data
