"""No admin form writes a field a service owns.

Every change form of the back office (and its inlines) is walked as a
superuser sees it; the fields it lets one type into are compared with the
list below. A field a service owns (status, capacity, identity keys, anything
with a rule) must not be there: it changes through an action or a page that
calls the service. A new editable field fails this test until it is put here,
consciously.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from partners.models import Agreement, Partner
from programs.models import FundingSource, LearnerCategory
from tests.factories import CohortFactory, ProgramFactory, pdf_file, submit

pytestmark = pytest.mark.django_db

# What each change form may edit, by model; with the inlines' models after "/".
EDITABLE = {
    "auth.Group": {"name", "permissions"},
    "auth.User": {
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
        "password",
    },
    "programs.Direction": {"name", "slug", "description", "position"},
    "programs.Venue": {"name", "kind", "address", "description"},
    "programs.Program": {
        "title",
        "slug",
        "direction",
        "kind",
        "study_form",
        "uses_distance_learning",
        "hours",
        "qualification",
        "price",
        "funding_sources",
        "min_age",
        "required_education",
        "categories",
        "profession",
        "qualification_rank",
        "professional_area",
        "specialty_group",
        "summary",
        "description",
        "outcomes",
    },
    # Capacity and status: update_cohort and cancel_cohort.
    "programs.Cohort": {
        "program",
        "code",
        "starts_on",
        "ends_on",
        "applications_open_on",
        "application_deadline",
        "min_size",
        "venue",
        "schedule",
        "admission_mode",
    },
    # The streams' rules are data staff manage; no service owns them. Seats
    # per stream: update_cohort (the quota has no form of its own).
    "programs.FundingSource": {
        "name",
        "payer",
        "requires_contract",
        "position",
        "min_age",
        "max_age",
        "required_education",
        "categories",
    },
    "programs.FundingSource/StreamDocument": {"category", "kind"},
    "programs.LearnerCategory": {"min_age", "max_age"},
    # The centre's details are data staff manage, saved through update_centre
    # (which checks the numbers and records who changed them).
    "programs.Centre": {
        "full_name",
        "short_name",
        "address",
        "phone",
        "email",
        "inn",
        "kpp",
        "ogrn",
        "bank_name",
        "bik",
        "account",
        "correspondent_account",
        "treasury_details",
        "licence_number",
        "licence_date",
        "licence_issuer",
        "signatory_last_name",
        "signatory_first_name",
        "signatory_patronymic",
        "signatory_sex",
        "signatory_position",
        "signatory_position_genitive",
        "signatory_authority",
    },
    # Every step of a contract: its own page calling its service.
    "enrollment.Contract": set(),
    # Drafted, signed and discarded on their own pages.
    "enrollment.Order": set(),
    # Everything through the staff actions; only a new note may be written.
    "enrollment.Application": set(),
    "enrollment.Application/Note": {"text"},
    # Corrections: correct_applicant.
    "enrollment.Applicant": set(),
    "enrollment.ConsentText": set(),  # accepted by someone: a new version instead
    "partners.Partner": {
        "kind",
        "full_name",
        "short_name",
        "industry",
        "inn",
        "kpp",
        "ogrn",
        "is_public",
        "logo",
        "website",
        "description",
        "programs",
        "address",
    },
    "partners.Partner/Contact": {"name", "position", "phone", "email", "is_primary"},
    # Signing, amending and terminating: their own pages.
    "partners.Agreement": {
        "partner",
        "kind",
        "number",
        "subject",
        "valid_from",
        "valid_until",
        "scan",
        "programs",
        "cohorts",
        "responsible",
    },
    "partners.Agreement/Commitment": {
        "kind",
        "description",
        "planned",
        "actual",
        "cohort",
        "due_on",
        "release_on",
    },
}


@pytest.fixture
def objects(admin_user):
    program = ProgramFactory()
    cohort = CohortFactory(program=program)
    application = submit(cohort, documents=[("passport", pdf_file())])
    partner = Partner.objects.create(
        full_name="АО «Завод»",
        short_name="Завод",
        inn="7707083893",
        kpp="773601001",
        ogrn="1027700132195",
    )
    agreement = Agreement.objects.create(
        partner=partner, kind="network", number="1", subject="Практика"
    )
    return {
        "auth.Group": Group.objects.create(name="Проверка"),
        "auth.User": admin_user,
        "programs.Direction": program.direction,
        "programs.Venue": cohort.venue,
        "programs.Program": program,
        "programs.Cohort": cohort,
        "programs.FundingSource": FundingSource.objects.get(code="federal"),
        "programs.LearnerCategory": LearnerCategory.objects.first(),
        "enrollment.Application": application,
        "enrollment.Applicant": application.applicant,
        "enrollment.ConsentText": application.applicant.consents.first().text,
        "enrollment.ConsentRecord": application.applicant.consents.first(),
        "partners.Partner": partner,
        "partners.Agreement": agreement,
    }


def editable_fields(model_admin, request, obj) -> dict[str, set[str]]:
    label = model_admin.model._meta.label
    found: dict[str, set[str]] = {}
    if model_admin.has_change_permission(request, obj):
        form = model_admin.get_form(request, obj)
        found[label] = set(form.base_fields) - set(
            model_admin.get_readonly_fields(request, obj)
        )
    for inline in model_admin.get_inline_instances(request, obj):
        if not (
            inline.has_change_permission(request, obj)
            or inline.has_add_permission(request, obj)
        ):
            continue
        formset = inline.get_formset(request, obj)
        fields = set(formset.form.base_fields) - set(
            inline.get_readonly_fields(request, obj)
        )
        fields -= {"id", "DELETE", inline.fk_name or ""}
        fields -= {
            f.name
            for f in inline.model._meta.fields
            if f.is_relation and f.remote_field.model is model_admin.model
        }
        if fields:
            found[f"{label}/{inline.model.__name__}"] = fields
    return found


def test_no_change_form_edits_a_field_a_service_owns(rf, admin_user, objects):
    request = rf.get("/")
    request.user = admin_user
    found: dict[str, set[str]] = {}
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        obj = objects.get(label)
        if obj is None and model_admin.has_change_permission(request, None):
            obj = model.objects.first()
        found.update(editable_fields(model_admin, request, obj))
    unexpected = {
        key: sorted(fields - EDITABLE.get(key, set()))
        for key, fields in found.items()
        if fields - EDITABLE.get(key, set())
    }
    assert unexpected == {}


def test_history_cannot_write_old_values_back(admin_client, objects):
    cohort = objects["programs.Cohort"]
    cohort.capacity += 1
    cohort.save()
    record = cohort.audit.earliest()
    response = admin_client.get(
        f"/admin/programs/cohort/{cohort.pk}/history/{record.history_id}/"
    )
    assert response.status_code in (403, 404) or (
        b'name="_save"' not in response.content
    )
    response = admin_client.post(
        f"/admin/programs/cohort/{cohort.pk}/history/{record.history_id}/", {}
    )
    cohort.refresh_from_db()
    assert cohort.capacity == record.capacity + 1
    assert get_user_model().objects.count() == 1
