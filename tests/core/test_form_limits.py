"""Every form field that fills a column takes no more than the column holds:
a longer value gets the form's message, never a database error (PostgreSQL)
or a silent overflow (SQLite)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from enrollment.forms import (
    AnonymiseForm,
    ApplicationForm,
    DocumentNumberingForm,
    EmploymentForm,
    LostLinkForm,
)
from enrollment.models import Applicant, Completion, Employment, OrderLine
from partners.importing import PartnerRowForm
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


def column(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


def history_reason_length(model) -> int | None:
    return column(model.audit.model, "history_change_reason")


def bound_fields():
    """(form, form field name, the column it fills, that column's length)."""
    application_form = ApplicationForm(cohort=CohortFactory())
    pairs = [
        (application_form, Applicant, name)
        for name, field in application_form.fields.items()
        if name in {f.name for f in Applicant._meta.fields}
        and isinstance(field, forms.CharField)
        # СНИЛС is typed with dashes and spaces and stored as 11 digits;
        # phones are stored as +7 and ten digits, whatever was typed.
        and name not in ("snils", "phone", "representative_phone")
    ]
    pairs += [
        (LostLinkForm(), Applicant, "email"),
        (EmploymentForm(), Employment, "employer_name"),
        (EmploymentForm(), Employment, "position"),
        (DocumentNumberingForm(), Completion, "blank_series"),
        (DocumentNumberingForm(), Completion, "qualification"),
        (DocumentNumberingForm(), OrderLine, "blank_series"),
        (DocumentNumberingForm(), OrderLine, "qualification"),
    ]
    rows = [
        (form, name, f"{model.__name__}.{name}", column(model, name))
        for form, model, name in pairs
    ]
    rows += [
        # The grounds of anonymising are the history's change reason.
        (
            AnonymiseForm(),
            "reason",
            "HistoricalApplicant.history_change_reason",
            history_reason_length(Applicant),
        ),
    ]
    return rows


def test_every_bound_form_field_fits_its_column():
    too_long = {
        f"{type(form).__name__}.{name} -> {target}": (
            form.fields[name].max_length,
            length,
        )
        for form, name, target, length in bound_fields()
        if form.fields[name].max_length is None or form.fields[name].max_length > length
    }
    assert too_long == {}


def test_numbers_that_build_a_column_fit_it():
    form = DocumentNumberingForm()
    prefix = form.fields["registration_prefix"].max_length
    biggest = len(str(form.fields["first_registration_number"].max_value))
    blank = len(str(form.fields["first_blank_number"].max_value))
    for model in (Completion, OrderLine):
        assert prefix + biggest <= column(model, "registration_number")
        assert blank <= column(model, "blank_number")


def test_the_admin_forms_and_the_import_fit_their_columns(rf: RequestFactory):
    request = rf.get("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True)
    too_long = {}
    forms_to_check = [(PartnerRowForm, PartnerRowForm._meta.model)]
    for model, model_admin in admin.site._registry.items():
        forms_to_check.append((model_admin.get_form(request), model))
    for form_class, model in forms_to_check:
        names = {f.name for f in model._meta.fields}
        for name, field in form_class.base_fields.items():
            if name not in names or not isinstance(field, forms.CharField):
                continue
            length = column(model, name)
            if length and (field.max_length is None or field.max_length > length):
                too_long[f"{model.__name__}.{name}"] = (field.max_length, length)
    assert too_long == {}
