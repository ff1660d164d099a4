"""Periodic duties, scheduled in one place (settings.PERIODIC_DUTIES).

A duty is a task and a period: every N minutes, or every day at a time of
day (Moscow). The scheduler (``manage.py run_scheduler``, one process per app
server) enqueues each duty once per period. Exactly one scheduler is active:
each tick it takes or renews a lease (SchedulerLease) that others respect; the
unique DutyRun row written with each task makes a second run of a period
impossible even if two ever overlapped. A duty's task does the work in the
worker, like any other task.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import socket
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import DutyRun, SchedulerLease

logger = logging.getLogger(__name__)
LEASE_NAME = "scheduler"
EPOCH = datetime.datetime(2000, 1, 3)  # a Monday: weekly periods start on Mondays


@dataclass(frozen=True)
class Duty:
    """``task`` (a dotted path) every ``every``, starting ``offset`` after
    Moscow midnight of the period (a daily duty at 03:30 has offset 3 h 30)."""

    name: str
    task: str
    every: datetime.timedelta
    offset: datetime.timedelta = datetime.timedelta()

    def period_start(self, now: datetime.datetime) -> datetime.datetime:
        """The start of the period ``now`` is in (aware, Moscow time)."""
        local = timezone.localtime(now).replace(tzinfo=None)
        since = local - EPOCH - self.offset
        periods = since // self.every
        start = EPOCH + self.offset + periods * self.every
        return timezone.make_aware(start)


def duties() -> list[Duty]:
    """The duties of settings.PERIODIC_DUTIES."""
    return [
        Duty(
            name=name,
            task=task,
            every=datetime.timedelta(minutes=every_minutes),
            offset=datetime.timedelta(minutes=offset_minutes),
        )
        for name, task, every_minutes, offset_minutes in settings.PERIODIC_DUTIES
    ]


def process_id() -> str:
    """This scheduler process: host, process and a random part."""
    return f"{socket.gethostname()}:{secrets.token_hex(4)}"


def take_lease(holder: str, *, now: datetime.datetime | None = None) -> bool:
    """Take or renew the scheduler's lease for SCHEDULER_LEASE_SECONDS; True
    when held."""
    now = now or timezone.now()
    expires = now + datetime.timedelta(seconds=settings.SCHEDULER_LEASE_SECONDS)
    with transaction.atomic():
        taken = SchedulerLease.objects.filter(name=LEASE_NAME).filter(
            holder=holder
        ).update(expires_at=expires) or SchedulerLease.objects.filter(
            name=LEASE_NAME, expires_at__lt=now
        ).update(holder=holder, expires_at=expires)
        if taken:
            return True
        try:
            with transaction.atomic():
                SchedulerLease.objects.create(
                    name=LEASE_NAME, holder=holder, expires_at=expires
                )
        except IntegrityError:
            return False
        return True


def enqueue_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue each duty whose current period has not been enqueued yet;
    return their names. The holder of the lease calls this each tick."""
    now = now or timezone.now()
    enqueued = []
    for duty in duties():
        period = duty.period_start(now)
        try:
            with transaction.atomic():
                DutyRun.objects.create(duty=duty.name, period_start=period)
                import_string(duty.task).enqueue()
        except IntegrityError:
            continue  # this period's run is enqueued already
        enqueued.append(duty.name)
        logger.info("Enqueued %s for the period from %s", duty.name, period)
    return enqueued


def tick(holder: str, *, now: datetime.datetime | None = None) -> list[str]:
    """One beat of a scheduler process: if it holds the lease, enqueue what is
    due. Return what was enqueued (nothing when another process leads)."""
    if not take_lease(holder, now=now):
        return []
    return enqueue_due(now=now)


def release_lease(holder: str) -> None:
    """Give the lease up at once (a scheduler stopping): another takes over at
    its next tick instead of when the lease would have run out."""
    SchedulerLease.objects.filter(name=LEASE_NAME, holder=holder).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
