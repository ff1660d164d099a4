"""Duties of the task queue itself: forgetting old results, and recovering the
tasks of a worker that died in the middle of one."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .models import DutyRun, EmailDelivery

logger = logging.getLogger(__name__)


@task()
def prune_task_results() -> int:
    """Delete finished tasks after TASK_RESULTS_KEEP_DAYS (sent e-mails hold
    applicants' links), failed ones after four times as long, and the records
    of old duty runs and deliveries. Return how many task rows went."""
    now = timezone.now()
    keep = datetime.timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    deleted = DBTaskResult.objects.filter(
        status="SUCCESSFUL", finished_at__lt=now - keep
    ).delete()[0]
    deleted += DBTaskResult.objects.filter(
        status="FAILED", finished_at__lt=now - 4 * keep
    ).delete()[0]
    DutyRun.objects.filter(enqueued_at__lt=now - 4 * keep).delete()
    EmailDelivery.objects.filter(sent_at__lt=now - 4 * keep).delete()
    return deleted


@task()
def recover_stalled_tasks() -> int:
    """Run again the tasks a worker started and never finished (it was killed):
    RUNNING for longer than TASK_STALLED_AFTER_SECONDS, which no task takes.
    The old row is marked failed; a new one with the same arguments is
    enqueued. Tasks are idempotent, so a task that did finish its work before
    the worker died does nothing more. Return how many."""
    limit = timezone.now() - datetime.timedelta(
        seconds=settings.TASK_STALLED_AFTER_SECONDS
    )
    recovered = 0
    with transaction.atomic():
        stalled = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status="RUNNING", started_at__lt=limit
        )
        for row in stalled:
            args = row.args_kwargs
            import_string(row.task_path).using(
                queue_name=row.queue_name, priority=row.priority
            ).enqueue(*args.get("args", []), **args.get("kwargs", {}))
            row.status = "FAILED"
            row.finished_at = timezone.now()
            row.exception_class_path = "core.tasks.WorkerLost"
            row.traceback = "The worker stopped in the middle of this task; run again."
            row.save(
                update_fields=[
                    "status",
                    "finished_at",
                    "exception_class_path",
                    "traceback",
                ]
            )
            recovered += 1
            logger.warning("Recovered a stalled task: %s (%s)", row.task_path, row.pk)
    return recovered


@task()
def clear_expired_sessions() -> int:
    """Delete expired sessions (what ``manage.py clearsessions`` does)."""
    return Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]


class WorkerLost(Exception):
    """A worker stopped in the middle of a task (the task was run again)."""
