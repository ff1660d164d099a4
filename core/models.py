"""Records the plumbing keeps for every app."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def private_files() -> Storage:
    """Files with personal data: outside anything served (core.storage)."""
    return storages["private"]


class EmailDelivery(models.Model):
    """That one e-mail went out, by its idempotency key.

    The message itself travels in its task (``core.mail.deliver_email``); this
    row makes a task that runs twice (a retry, a recovered worker) send it
    once. A worker claims the key before talking to the mail server and marks
    it sent after; a claim older than the lease is a worker that died.
    """

    key = models.CharField(_("key"), max_length=64, unique=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        indexes = [models.Index(fields=["sent_at"], name="email_delivery_sent")]

    def __str__(self) -> str:
        return self.key


class SchedulerLease(models.Model):
    """Who runs the scheduler now: one row, held by one process at a time.

    Every scheduler process tries to take or renew it at each tick; only the
    holder whose lease has not expired enqueues duties, so exactly one
    scheduler is active however many app servers run one.
    """

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    holder = models.CharField(_("holder"), max_length=100)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("scheduler lease")
        verbose_name_plural = _("scheduler leases")

    def __str__(self) -> str:
        return f"{self.name}: {self.holder}"


class DutyRun(models.Model):
    """A periodic duty enqueued for one period: the row is written with the
    task, and its uniqueness makes a duty run once per period even if two
    schedulers ever overlapped."""

    duty = models.CharField(_("duty"), max_length=100)
    period_start = models.DateTimeField(_("period"))
    enqueued_at = models.DateTimeField(_("enqueued"), auto_now_add=True)

    class Meta:
        verbose_name = _("periodic duty run")
        verbose_name_plural = _("periodic duty runs")
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "period_start"], name="duty_runs_once_per_period"
            )
        ]
        indexes = [models.Index(fields=["enqueued_at"], name="duty_run_enqueued")]

    def __str__(self) -> str:
        return f"{self.duty} @ {self.period_start:%Y-%m-%d %H:%M}"


def export_path(instance: ExportFile, filename: str) -> str:
    return f"exports/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}"


class ExportFile(models.Model):
    """A large export made by a task for one member of staff: its progress,
    then the file, kept privately until ``expires_at``."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("owner"),
    )
    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    # What the owner must still be allowed to do to download it.
    permissions = models.JSONField(_("permissions"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.WAITING
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    file = models.FileField(
        _("file"), storage=private_files, upload_to=export_path, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_owner")]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return min(int(100 * self.done / self.total), 99) if self.total else 0
