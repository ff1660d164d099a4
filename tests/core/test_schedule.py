"""Periodic duties: one place, one active scheduler, once per period."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from core import schedule
from core.models import DutyRun, SchedulerLease

pytestmark = pytest.mark.django_db
MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=MSK)


def test_periods_start_on_their_minute_hour_or_day():
    minute = schedule.Duty("m", "x", datetime.timedelta(minutes=1))
    hourly = schedule.Duty(
        "h", "x", datetime.timedelta(hours=1), datetime.timedelta(minutes=5)
    )
    daily = schedule.Duty(
        "d", "x", datetime.timedelta(days=1), datetime.timedelta(hours=3, minutes=30)
    )
    weekly = schedule.Duty(
        "w", "x", datetime.timedelta(days=7), datetime.timedelta(hours=4)
    )
    now = at(2026, 12, 2, 3, 29, 59)  # a Wednesday
    assert minute.period_start(now) == at(2026, 12, 2, 3, 29)
    assert hourly.period_start(now) == at(2026, 12, 2, 3, 5)
    assert daily.period_start(now) == at(2026, 12, 1, 3, 30)  # not yet today's
    assert daily.period_start(at(2026, 12, 2, 3, 30)) == at(2026, 12, 2, 3, 30)
    assert weekly.period_start(now) == at(2026, 11, 30, 4, 0)  # Monday 04:00


def test_every_duty_of_the_settings_names_a_task():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    for duty in schedule.duties():
        assert isinstance(import_string(duty.task), Task), duty.name


def test_each_duty_is_enqueued_once_per_period(settings):
    settings.PERIODIC_DUTIES = [
        ("expire", "enrollment.tasks.expire_offers", 1, 0),
        ("purge", "enrollment.tasks.purge_personal_data", 24 * 60, 210),
    ]
    now = at(2026, 12, 2, 10, 0, 5)
    assert schedule.enqueue_due(now=now) == ["expire", "purge"]
    assert schedule.enqueue_due(now=now + datetime.timedelta(seconds=30)) == []
    assert schedule.enqueue_due(now=now + datetime.timedelta(minutes=1)) == ["expire"]
    assert DBTaskResult.objects.filter(status="READY").count() == 3
    assert DutyRun.objects.count() == 3


def test_only_the_holder_of_the_lease_schedules(settings):
    settings.PERIODIC_DUTIES = [("expire", "enrollment.tasks.expire_offers", 1, 0)]
    now = at(2026, 12, 2, 10, 0, 0)
    seconds = datetime.timedelta(seconds=1)
    assert schedule.tick("server-1", now=now) == ["expire"]
    assert not schedule.take_lease("server-2", now=now + 20 * seconds)
    # server-1 stopped: its lease has run out, server-2 takes over.
    assert schedule.tick("server-2", now=now + 60 * seconds) == ["expire"]
    assert SchedulerLease.objects.get().holder == "server-2"
    # Each renews its own lease at every tick; the other waits.
    assert schedule.take_lease("server-2", now=now + 80 * seconds)
    assert not schedule.take_lease("server-1", now=now + 100 * seconds)
    assert schedule.tick("server-2", now=now + 120 * seconds) == ["expire"]
    assert DutyRun.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_command_ticks_and_gives_its_lease_up_when_it_stops(settings):
    settings.PERIODIC_DUTIES = [("expire", "enrollment.tasks.expire_offers", 1, 0)]
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "enqueued expire" in out.getvalue()
    # It stopped: another scheduler takes over at once, not in 30 seconds.
    assert schedule.take_lease("another-server")
    assert DBTaskResult.objects.filter(
        task_path="enrollment.tasks.expire_offers"
    ).exists()
