"""Files attached to an application form that came back with an error.

On a phone, picking the photos of a passport again after a typo in the phone
number is the costliest part of a failed submission. The files that passed
the check are kept privately under the form's own random key
(``submission_key``, a hidden field only that browser holds) and the form
shows their names; they become documents when the form goes through, and are
deleted then or, if the form is abandoned, after ``STAGED_UPLOAD_HOURS``.
Nothing here is ever served.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable, Mapping
from functools import partial

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import StagedUpload, private_storage
from .files import check_file, stored_name

logger = logging.getLogger(__name__)

# The application form's file fields: the only ones a form may keep files for.
STAGED_FIELDS = frozenset(
    {
        "document_passport",
        "document_education",
        "document_snils",
        "document_other",
        "document_category",
    }
)


def stage_uploads(
    *,
    cohort_id: int,
    submission_key: uuid.UUID,
    uploads: Mapping[str, UploadedFile],
    removed: Iterable[str] = (),
) -> dict[str, StagedUpload]:
    """Keep ``uploads`` (by form field) for the form ``submission_key``,
    replacing a file kept before for the same field, and forget the fields
    in ``removed``; return what the form holds now, by field.

    Each file is checked as a document is (a refused file raises
    ValidationError and nothing changes). The old files are deleted from the
    storage once the change is committed.
    """
    unknown = (set(uploads) | set(removed)) - STAGED_FIELDS
    if unknown:
        raise ValueError(f"not a document field: {sorted(unknown)}")
    checked = {field: check_file(upload) for field, upload in uploads.items()}
    dropped: list[str] = []
    try:
        with transaction.atomic(durable=True):
            kept = {
                s.field: s
                for s in StagedUpload.objects.select_for_update().filter(
                    submission_key=submission_key, cohort_id=cohort_id
                )
            }
            for field in set(removed) | set(uploads):
                old = kept.pop(field, None)
                if old is not None:
                    dropped.append(str(old.file.name))
                    old.delete()
            for field, upload in uploads.items():
                staged = StagedUpload(
                    submission_key=submission_key,
                    cohort_id=cohort_id,
                    field=field,
                    original_name=stored_name(upload.name, checked[field]),
                    content_type=checked[field],
                    size=upload.size or 0,
                )
                staged.file.save("upload", upload, save=False)
                staged.save()
                kept[field] = staged
            transaction.on_commit(lambda: _delete_files(dropped))
    except IntegrityError:
        # The same form sent twice at once: the other request kept its files.
        logger.info("Two requests kept files for one form at once; one won.")
        return staged_uploads(submission_key=submission_key, cohort_id=cohort_id)
    return kept


def staged_uploads(
    *, submission_key: uuid.UUID | None, cohort_id: int
) -> dict[str, StagedUpload]:
    """The files kept for the form ``submission_key``, by field."""
    if submission_key is None:
        return {}
    return {
        s.field: s
        for s in StagedUpload.objects.filter(
            submission_key=submission_key, cohort_id=cohort_id
        )
    }


def open_staged(staged: StagedUpload) -> File:
    """The kept file, open for reading, under the person's name for it."""
    return File(staged.file.open("rb"), name=staged.original_name)


def discard_staged_uploads(*, submission_key: uuid.UUID) -> int:
    """Delete what was kept for the form ``submission_key`` (it went
    through: its files are documents now); return how many."""
    with transaction.atomic(durable=True):
        rows = list(
            StagedUpload.objects.select_for_update().filter(
                submission_key=submission_key
            )
        )
        names = [str(s.file.name) for s in rows]
        StagedUpload.objects.filter(pk__in=[s.pk for s in rows]).delete()
        transaction.on_commit(lambda: _delete_files(names))
    return len(rows)


def purge_staged_uploads(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of forms abandoned for ``STAGED_UPLOAD_HOURS``;
    return how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.STAGED_UPLOAD_HOURS)
    deleted = 0
    while True:
        with transaction.atomic(durable=True):
            rows = list(
                StagedUpload.objects.select_for_update(skip_locked=True)
                .filter(created_at__lt=cutoff)
                .order_by("pk")[:500]
            )
            if not rows:
                break
            names = [str(s.file.name) for s in rows]
            StagedUpload.objects.filter(pk__in=[s.pk for s in rows]).delete()
            transaction.on_commit(partial(_delete_files, names))
        deleted += len(rows)
    if deleted:
        logger.info("Deleted %s files of abandoned application forms.", deleted)
    return deleted


def _delete_files(names: Iterable[str]) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("A kept file could not be deleted: %s", name)
