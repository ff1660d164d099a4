"""Inlines of an application's page: read-only records, and the notes."""

from __future__ import annotations

import re

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
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
        "file_size",
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

    @admin.display(description=_("size"))
    def file_size(self, document: Document) -> str:
        return filesizeformat(document.size)

    @admin.display(description=_("checked"))
    def reviewed(self, document: Document) -> str:
        if not document.reviewed_at:
            return "—"
        when = timezone.localtime(document.reviewed_at)
        return f"{document.reviewed_by} {when:%d.%m.%Y %H:%M}"

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


# Most specific first: Edge and Yandex name Chrome too, Chrome names Safari.
BROWSER_ORDER = ("YaBrowser", "Edg", "OPR", "Firefox", "Chrome", "Version")
BROWSERS = re.compile(rf"({'|'.join(BROWSER_ORDER)})/(\d+)")
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)
BROWSER_NAMES = {
    "YaBrowser": "Яндекс Браузер",
    "Edg": "Edge",
    "OPR": "Opera",
    "Version": "Safari",
}


def browser_of(user_agent: str) -> str:
    """«Chrome 126 · Windows» from a browser's user-agent string; the string
    itself when it names no known browser."""
    found = dict(BROWSERS.findall(user_agent))
    name = next((n for n in BROWSER_ORDER if n in found), "")
    system = next((label for key, label in SYSTEMS if key in user_agent), "")
    if not name:
        return user_agent[:60]
    browser = f"{BROWSER_NAMES.get(name, name)} {found[name]}"
    return f"{browser} · {system}" if system else browser


class ConsentInline(ReadOnlyInline):
    model = ConsentRecord
    fields = ["text", "given_at", "ip_address", "browser", "withdrawn_at"]
    readonly_fields = fields

    @admin.display(description=_("browser"))
    def browser(self, record: ConsentRecord) -> str:
        return format_html(
            '<span title="{}">{}</span>',
            record.user_agent,
            browser_of(record.user_agent),
        )


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
