"""What each staff role may do in the back office: actions, merging, deleting."""

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


ROLES = [roles.INTAKE, roles.MANAGERS, roles.PARTNER_RELATIONS]
# What each role may open is in tests/copp/test_access_matrix.py.


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
    for role in ROLES:
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
