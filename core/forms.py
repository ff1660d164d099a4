"""Form fields every app may use."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Dates a person may sensibly type: a year 1 or 9999 passes a plain DateField
# and then overflows the moment a day is added or a time zone applied.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


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
