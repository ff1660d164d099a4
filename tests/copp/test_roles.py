"""Every staff role walked through the back office: what each may and may not do."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from copp import roles
from enrollment.models import Application
from programs.models import Cohort
from tests.factories import CohortFactory, pdf_file, submit

pytestmark = pytest.mark.django_db
OK, DENIED = 200, 403


@pytest.fixture
def world():
    call_command("setup_roles", verbosity=0)
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    application = submit(cohort, documents=[("passport", pdf_file())])
    return {"cohort": cohort, "application": application}


def login(client, role: str):
    user = get_user_model().objects.create_user(role, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def pages(world) -> dict[str, str]:
    application, cohort = world["application"], world["cohort"]
    document = application.documents.get()
    return {
        "index": reverse("admin:index"),
        "applications": reverse("admin:enrollment_application_changelist"),
        "application": reverse(
            "admin:enrollment_application_change", args=[application.pk]
        ),
        "application history": reverse(
            "admin:enrollment_application_history", args=[application.pk]
        ),
        "act": reverse(
            "admin:enrollment_application_act", args=[application.pk, "accept"]
        ),
        "review document": reverse(
            "admin:enrollment_application_review_document",
            args=[application.pk, document.pk],
        ),
        "download document": reverse("staff:staff_document", args=[document.pk]),
        "export": reverse("admin:enrollment_application_export", args=["csv"]),
        "applicants": reverse("admin:enrollment_applicant_changelist"),
        "duplicates": reverse("admin:enrollment_applicant_duplicates"),
        "cohorts": reverse("admin:programs_cohort_changelist"),
        "cohort": reverse("admin:programs_cohort_change", args=[cohort.pk]),
        "roster": reverse("admin:programs_cohort_roster", args=[cohort.pk]),
        "programs": reverse("admin:programs_program_changelist"),
        "add program": reverse("admin:programs_program_add"),
        "consent texts": reverse("admin:enrollment_consenttext_changelist"),
        "add consent text": reverse("admin:enrollment_consenttext_add"),
        "issued documents": reverse("admin:enrollment_completion_changelist"),
        "users": reverse("admin:auth_user_changelist"),
        "partners": reverse("admin:partners_partner_changelist"),
        "add partner": reverse("admin:partners_partner_add"),
        "import partners": reverse("admin:partners_partner_import"),
    }


EXPECTED = {
    roles.INTAKE: {
        "index": OK,
        "applications": OK,
        "application": OK,
        "application history": OK,
        "act": OK,
        "review document": OK,
        "download document": OK,
        "export": OK,
        "applicants": OK,
        "duplicates": OK,
        "cohorts": OK,
        "cohort": OK,
        "roster": OK,
        "programs": OK,
        "add program": DENIED,
        "consent texts": OK,
        "add consent text": DENIED,
        "issued documents": OK,
        "users": DENIED,
        "partners": DENIED,
        "add partner": DENIED,
        "import partners": DENIED,
    },
    roles.MANAGERS: {
        "index": OK,
        "applications": OK,
        "application": OK,
        "application history": OK,
        "act": DENIED,
        "review document": DENIED,
        "download document": OK,
        "export": OK,
        "applicants": OK,
        "duplicates": OK,
        "cohorts": OK,
        "cohort": OK,
        "roster": OK,
        "programs": OK,
        "add program": DENIED,
        "consent texts": OK,
        "add consent text": DENIED,
        "issued documents": OK,
        "users": DENIED,
        "partners": OK,
        "add partner": DENIED,
        "import partners": DENIED,
    },
    roles.PARTNER_RELATIONS: {
        "index": OK,
        "applications": DENIED,
        "application": DENIED,
        "application history": DENIED,
        "act": DENIED,
        "review document": DENIED,
        "download document": DENIED,
        "export": DENIED,
        "applicants": DENIED,
        "duplicates": DENIED,
        "cohorts": OK,
        "cohort": OK,
        "roster": OK,
        "programs": OK,
        "add program": DENIED,
        "consent texts": DENIED,
        "add consent text": DENIED,
        "issued documents": DENIED,
        "users": DENIED,
        "partners": OK,
        "add partner": OK,
        "import partners": OK,
    },
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_exactly_its_pages(client, world, role):
    login(client, role)
    answers = {name: client.get(url).status_code for name, url in pages(world).items()}
    assert answers == EXPECTED[role]


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for name, url in pages(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert "/admin/login/" in response["Location"], name


@pytest.mark.parametrize(
    ("role", "changes"),
    [(roles.INTAKE, True), (roles.MANAGERS, False), (roles.PARTNER_RELATIONS, False)],
)
def test_only_intake_staff_run_actions(client, world, role, changes):
    login(client, role)
    application = world["application"]
    client.post(
        reverse("admin:enrollment_application_changelist"),
        {"action": "accept", "_selected_action": [application.pk]},
    )
    client.post(
        reverse(
            "admin:enrollment_application_act",
            args=[application.pk, "take_into_review"],
        )
    )
    application.refresh_from_db()
    assert (application.status != "submitted") is changes


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(roles.INTAKE, True), (roles.MANAGERS, False), (roles.PARTNER_RELATIONS, False)],
)
def test_only_intake_staff_merge_records(client, world, role, allowed):
    other = submit(CohortFactory(), email=world["application"].applicant.email)
    login(client, role)
    response = client.post(
        reverse("admin:enrollment_applicant_duplicates"),
        {"keep": world["application"].applicant_id, "merge": other.applicant_id},
    )
    assert (response.status_code == DENIED) is not allowed
    merged = (
        Application.objects.get(pk=other.pk).applicant_id
        == world["application"].applicant_id
    )
    assert merged is allowed


def test_nobody_but_a_superuser_deletes_applications(client, world):
    for role in EXPECTED:
        login(client, role)
        url = reverse(
            "admin:enrollment_application_delete", args=[world["application"].pk]
        )
        assert client.post(url, {"post": "yes"}).status_code == DENIED
        client.logout()
        get_user_model().objects.filter(username=role).delete()
    assert Application.objects.filter(pk=world["application"].pk).exists()


def test_demo_accounts_get_their_roles(capsys, settings):
    settings.DEBUG = True
    call_command("create_demo_accounts")
    out = capsys.readouterr().out
    for username in ("admin", "intake", "manager", "partners"):
        assert username in out
    intake = get_user_model().objects.get(username="intake")
    assert intake.has_perm("enrollment.change_application")
    assert not intake.has_perm("enrollment.delete_application")
    manager = get_user_model().objects.get(username="manager")
    assert manager.has_perm("enrollment.view_reports")
    assert not manager.has_perm("enrollment.change_application")
