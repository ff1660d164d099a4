"""Inlines of an application's page: read-only records, and the notes."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import (
    ApplicationStatus,
    Completion,
    ConsentRecord,
    Document,
    Employment,
    Note,
    StatusChange,
)

S = ApplicationStatus


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = [
        "kind",
        "download",
        "size",
        "status",
        "rejection_reason",
        "reviewed",
        "review",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, document: Document) -> str:
        url = reverse("staff:staff_document", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)

    @admin.display(description=_("checked"))
    def reviewed(self, document: Document) -> str:
        if not document.reviewed_at:
            return "—"
        return f"{document.reviewed_by} {document.reviewed_at:%d.%m.%Y %H:%M}"

    @admin.display(description="")
    def review(self, document: Document) -> str:
        url = reverse(
            "admin:enrollment_application_review_document",
            args=[document.application_id, document.pk],
        )
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("Check"))


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    verbose_name_plural = _("status history")
    fields = [
        "created_at",
        "from_status",
        "to_status",
        "actor_kind",
        "actor",
        "comment",
    ]
    readonly_fields = fields


class NoteInline(ReadOnlyInline):
    """Written notes stay as they were; the work screen adds new ones."""

    model = Note
    fields = ["text", "author", "created_at"]
    readonly_fields = fields


class ConsentInline(ReadOnlyInline):
    model = ConsentRecord
    fields = ["text", "given_at", "ip_address", "user_agent", "withdrawn_at"]
    readonly_fields = fields


class CompletionInline(ReadOnlyInline):
    model = Completion
    fields = [
        "document_kind",
        "registration_number",
        "blank_series",
        "blank_number",
        "issued_on",
        "qualification",
        "recorded_by",
    ]
    readonly_fields = fields


class EmploymentInline(ReadOnlyInline):
    model = Employment
    fields = ["is_employed", "employer_name", "employer_inn", "position", "employed_on"]
    readonly_fields = fields
