"""Large exports made in the background: a row per export (its progress, then
its file), the task body that fills it, and the cleanup of old files.

An app starts one with ``start_export`` (inside its view, after checking the
permission) and a task of its own that calls ``run_export`` with a builder:
a function writing the file to a binary stream and reporting its progress.
The member of staff follows it on their list of exports, which updates
itself, and downloads the file from there while it is kept.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Callable, Iterable
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from .models import ExportFile

logger = logging.getLogger(__name__)
# A builder writes the file and calls progress(done, total) now and then.
Progress = Callable[[int, int], None]
Builder = Callable[[BinaryIO, Progress], None]
PROGRESS_EVERY = 1000


def start_export(
    *, owner: User, title: str, filename: str, permissions: Iterable[str]
) -> ExportFile:
    """Record a new export for ``owner``; the caller enqueues its task in the
    same transaction. ``permissions`` are checked again at download."""
    return ExportFile.objects.create(
        owner=owner,
        title=title[:200],
        filename=filename[:200],
        permissions=list(permissions),
        expires_at=timezone.now()
        + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )


def run_export(export_id: int, build: Builder) -> str:
    """Make the file of an export with ``build``; idempotent: a finished export
    is left alone, an interrupted one is made again. Return its status."""
    export = ExportFile.objects.filter(pk=export_id).first()
    if export is None or export.status == ExportFile.Status.READY:
        return "nothing to do"
    ExportFile.objects.filter(pk=export_id).update(
        status=ExportFile.Status.RUNNING, done=0
    )

    def progress(done: int, total: int) -> None:
        ExportFile.objects.filter(pk=export_id).update(done=done, total=total)

    with tempfile.TemporaryFile() as out:
        try:
            build(out, progress)
        except Exception:
            logger.exception("Export %s failed", export_id)
            ExportFile.objects.filter(pk=export_id).update(
                status=ExportFile.Status.FAILED, finished_at=timezone.now()
            )
            raise
        out.seek(0)
        with transaction.atomic():
            export = ExportFile.objects.select_for_update().get(pk=export_id)
            export.file.save("export", File(out), save=False)
            export.status = ExportFile.Status.READY
            export.done = export.total = max(export.total, export.done)
            export.finished_at = timezone.now()
            export.save()
    return "ready"


def delete_expired_exports(*, now: datetime.datetime | None = None) -> int:
    """Delete the exports whose time is up, with their files; return how many."""
    now = now or timezone.now()
    expired = list(ExportFile.objects.filter(expires_at__lte=now))
    for export in expired:
        if export.file:
            export.file.delete(save=False)
        export.delete()
    return len(expired)
