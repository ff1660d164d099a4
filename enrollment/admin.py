"""The back office for enrollment. Status changes go through the services only,
so the admin shows statuses read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    Applicant,
    Application,
    ConsentRecord,
    ConsentText,
    Document,
    StatusChange,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = [
        "created_at",
        "from_status",
        "to_status",
        "actor_kind",
        "actor",
        "comment",
    ]
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["kind", "download", "content_type", "size", "status", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, document: Document) -> str:
        url = reverse("staff:staff_document", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant", "cohort", "status", "submitted_at", "offer_expires_at"]
    list_filter = ["status", "cohort__program__direction", "cohort__admission_mode"]
    search_fields = ["applicant__last_name", "applicant__email", "cohort__code"]
    list_select_related = ["applicant", "cohort"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "cohort",
        "applicant",
        "status",
        "submitted_at",
        "status_changed_at",
        "offer_expires_at",
        "offer_accepted_at",
        "language",
    ]
    fields = readonly_fields
    inlines = [DocumentInline, StatusChangeInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = ["__str__", "birth_date", "email", "phone", "municipality"]
    search_fields = ["last_name", "first_name", "email", "phone", "snils"]
    filter_horizontal = ["categories"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
