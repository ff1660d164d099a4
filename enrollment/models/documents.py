"""Documents applicants upload, and staff notes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import PaperKind

from .applications import Application


def private_storage():
    """Applicants' files: outside the public media root, no URL at all."""
    return storages["private"]


def document_path(instance: Document, filename: str) -> str:
    # The stored name says nothing about the person or the original file.
    today = timezone.localdate()
    return f"documents/{today:%Y/%m}/{uuid.uuid4().hex}"


# The papers an applicant shows are the catalog's vocabulary: the streams say
# which they ask for (programs.StreamDocument).
DocumentKind = PaperKind


class Document(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting check")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=document_path, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.PENDING
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    reviewed_at = models.DateTimeField(_("checked"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "enrollment:document",
            kwargs={"token": self.application.token, "document_id": self.pk},
        )


class Note(models.Model):
    """An internal note of staff about an application; applicants never see it."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("application"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return self.text[:60]


def staged_path(instance: StagedUpload, filename: str) -> str:
    today = timezone.localdate()
    return f"staged/{today:%Y/%m/%d}/{uuid.uuid4().hex}"


class StagedUpload(models.Model):
    """A file attached to an application form that was sent back with an error.

    It is kept, privately, under the form's own random key so that the person
    does not pick it again; it becomes a document when the form goes through,
    and is deleted with it or, if the form is abandoned, after a day. It is
    never served: the form shows its name and size only.
    """

    submission_key = models.UUIDField(_("form key"), db_index=True)
    cohort = models.ForeignKey(
        "programs.Cohort",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("group"),
    )
    field = models.CharField(_("form field"), max_length=32)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=staged_path, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size, bytes"))
    created_at = models.DateTimeField(_("attached"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key", "field"], name="staged_upload_once_per_field"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="staged_upload_age")]
        verbose_name = _("file kept for a form")
        verbose_name_plural = _("files kept for forms")

    def __str__(self) -> str:
        return self.original_name
