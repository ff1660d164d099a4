"""The queue's own duties and its health: stalled tasks run again, old results
go, /healthz shows a stopped worker."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import mail as core_mail
from core.tasks import prune_task_results, recover_stalled_tasks

pytestmark = pytest.mark.django_db


def test_a_task_whose_worker_died_runs_again_and_sends_once(run_tasks, settings):
    settings.TASK_STALLED_AFTER_SECONDS = 15 * 60
    core_mail.send_later("Тема", "Текст", ["once@example.org"])
    # A worker took it and was killed before it finished.
    DBTaskResult.objects.filter(status="READY").update(
        status="RUNNING",
        started_at=timezone.now() - datetime.timedelta(minutes=20),
    )
    assert recover_stalled_tasks.call() == 1
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    run_tasks()
    assert [m.to for m in mail.outbox] == [["once@example.org"]]
    # Recovered again (as if it stalled once more): still one e-mail.
    assert recover_stalled_tasks.call() == 0
    core_mail.deliver_email.enqueue(
        **DBTaskResult.objects.filter(status="SUCCESSFUL")
        .get(task_path="core.mail.deliver_email")
        .args_kwargs["kwargs"]
    )
    run_tasks()
    assert len(mail.outbox) == 1


def test_a_task_running_briefly_is_left_alone(settings):
    settings.TASK_STALLED_AFTER_SECONDS = 15 * 60
    core_mail.send_later("Тема", "Текст", ["a@example.org"])
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    assert recover_stalled_tasks.call() == 0


def test_old_results_are_pruned(run_tasks, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 7
    core_mail.send_later("Тема", "Текст", ["a@example.org"])
    run_tasks()
    assert prune_task_results.call() == 0
    DBTaskResult.objects.update(finished_at=timezone.now() - datetime.timedelta(8))
    assert prune_task_results.call() == 1


def test_healthz_shows_how_long_tasks_wait(client, settings):
    settings.QUEUE_DELAY_ALERT_SECONDS = 300
    assert client.get("/healthz").json()["queue"] == {
        "oldest_waiting_seconds": 0,
        "workers": "up",
    }
    core_mail.send_later("Тема", "Текст", ["a@example.org"])
    DBTaskResult.objects.update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["queue"]["workers"] == "late"
    assert 590 <= body["queue"]["oldest_waiting_seconds"] <= 660
