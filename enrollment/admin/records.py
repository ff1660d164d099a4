"""Reference texts and records nobody edits: consent texts and records, the
register of issued documents."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import (
    ApplicationStatus,
    Completion,
    ConsentRecord,
    ConsentText,
)

S = ApplicationStatus


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A version somebody accepted is never edited: add a new version instead."""

    list_display = ["title", "kind", "version", "is_required", "created_at"]
    list_filter = ["kind"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.records.exists():
            return ["kind", "version", "title", "body", "is_required"]
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.records.exists()


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["applicant", "text", "given_at", "ip_address", "withdrawn_at"]
    list_filter = ["text__kind"]
    list_select_related = ["applicant", "text"]
    readonly_fields = [
        "applicant",
        "application",
        "text",
        "given_at",
        "ip_address",
        "user_agent",
        "withdrawn_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    """The register of issued documents (ФИС ФРДО)."""

    list_display = [
        "registration_number",
        "document_kind",
        "learner",
        "issued_on",
        "blank_series",
        "blank_number",
    ]
    list_filter = ["document_kind", "issued_on"]
    search_fields = ["registration_number", "application__applicant__last_name"]
    list_select_related = ["application__applicant"]
    date_hierarchy = "issued_on"

    @admin.display(description=_("learner"))
    def learner(self, completion: Completion) -> str:
        return completion.application.applicant.full_name

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
