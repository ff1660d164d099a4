"""The report by e-mail: weekly or monthly, once per period."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command

from copp import roles
from copp.models import ReportSubscription
from copp.reports.subscriptions import last_period, send_due_reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    call_command("setup_roles", verbosity=0)
    user = User.objects.create_user(
        "boss", password="x", email="boss@example.org", is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.MANAGERS))
    client.force_login(user)
    return user


def test_periods_are_the_week_and_the_month_just_ended():
    monday = datetime.date(2026, 11, 30)
    assert last_period("weekly", monday) == (
        datetime.date(2026, 11, 23),
        datetime.date(2026, 11, 29),
    )
    assert last_period("weekly", monday + datetime.timedelta(days=1)) is None
    assert last_period("monthly", datetime.date(2026, 12, 1)) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 30),
    )
    assert last_period("monthly", monday) is None


def test_a_manager_subscribes_and_receives_the_report_once(client, manager, run_tasks):
    response = client.post(
        "/reports/subscriptions/", {"frequencies": ["weekly", "monthly"]}
    )
    assert response.status_code == 302
    assert set(ReportSubscription.objects.values_list("frequency", flat=True)) == {
        "weekly",
        "monthly",
    }
    monday = datetime.date(2026, 11, 30)
    assert send_due_reports(today=monday) == 1
    assert send_due_reports(today=monday) == 0
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["boss@example.org"]
    assert "23.11.2026" in message.subject
    [(name, content, _mimetype)] = message.attachments
    assert name == "report-20261123-20261129.xlsx"
    assert len(openpyxl.load_workbook(io.BytesIO(content)).sheetnames) >= 10
    # Unsubscribing from everything stops it.
    client.post("/reports/subscriptions/", {})
    assert not ReportSubscription.objects.exists()


def test_without_the_permission_nothing_is_sent(manager):
    ReportSubscription.objects.create(user=manager, frequency="weekly")
    manager.groups.clear()
    assert send_due_reports(today=datetime.date(2026, 11, 30)) == 0
