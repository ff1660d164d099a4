"""Large exports are made in the background and downloaded from My exports."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from copp import roles
from core.exports import delete_expired_exports
from core.models import ExportFile
from tests.factories import CohortFactory, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(client):
    call_command("setup_roles", verbosity=0)
    user = User.objects.create_user("intake", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.INTAKE))
    client.force_login(user)
    return user


@pytest.fixture
def applications():
    cohort = CohortFactory()
    return [submit(cohort, last_name=f"Фамилия{n}") for n in range(7)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_export_is_made_in_the_background_and_downloaded(
    client, intake, applications, settings, run_tasks, fmt
):
    settings.EXPORT_IN_BACKGROUND_ROWS = 5
    url = reverse("admin:enrollment_application_export", args=[fmt])
    response = client.get(url + "?q=Фамилия")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:exports")
    export = ExportFile.objects.get()
    assert (export.owner, export.status) == (intake, ExportFile.Status.WAITING)
    page = client.get(reverse("staff:exports"))
    assert "0%" in page.content.decode() or 'value="0"' in page.content.decode()
    run_tasks()
    state = client.get(reverse("staff:export_states")).json()["exports"][0]
    assert (state["status"], state["percent"]) == ("ready", 100)
    download = client.get(state["download"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(applications)


def test_a_small_export_comes_at_once(client, intake, applications):
    url = reverse("admin:enrollment_application_export", args=["csv"])
    response = client.get(url)
    assert response.status_code == 200
    assert ExportFile.objects.count() == 0


def test_nobody_else_downloads_an_export_and_it_expires(
    client, intake, applications, settings, run_tasks, django_user_model
):
    settings.EXPORT_IN_BACKGROUND_ROWS = 1
    client.get(reverse("admin:enrollment_application_export", args=["csv"]))
    run_tasks()
    export = ExportFile.objects.get()
    url = reverse("staff:export_download", args=[export.pk])
    other = django_user_model.objects.create_superuser("root", "r@example.org", "x")
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(intake)
    assert client.get(url).status_code == 200
    # Without the permission it needed, the owner cannot download it either.
    intake.groups.clear()
    intake = User.objects.get(pk=intake.pk)
    client.force_login(intake)
    assert client.get(url).status_code == 404
    name = export.file.name
    storage = export.file.storage
    assert storage.exists(name)
    assert delete_expired_exports(now=timezone.now()) == 0
    later = timezone.now() + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS + 1)
    assert delete_expired_exports(now=later) == 1
    assert not storage.exists(name)
