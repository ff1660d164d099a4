"""Exports of the applications list that are too large to wait for: a task
rebuilds the list as its owner filtered it, with their permissions, and writes
the file in the background (core.exports)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

from core.exports import run_export

from ..exports import write_applications_csv, write_applications_xlsx
from ..models import Application

EXPORT_PERMISSIONS = ("enrollment.export_application", "enrollment.view_applicant")


def listed_applications(request: HttpRequest) -> QuerySet[Application]:
    """The applications the list shows for ``request`` (its filters and search,
    the user's permissions), without the list's per-row flags. Raises
    IncorrectLookupParameters for a filter the list cannot apply."""
    model_admin = admin.site._registry[Application]
    changelist = model_admin.get_changelist_instance(request)
    return Application.objects.filter(
        pk__in=changelist.get_queryset(request).values("pk")
    )


@task(queue_name="exports")
def export_applications(
    *, export_id: int, owner_id: int, fmt: str, query: str, language: str
) -> str:
    """Write the applications list of ``owner`` filtered by ``query`` (the
    list's query string) to export ``export_id``, in CSV or XLSX."""
    request = RequestFactory().get("/", query_string=query)
    request.user = User.objects.get(pk=owner_id)
    with translation.override(language):
        queryset = listed_applications(request)
        if fmt == "csv":
            return run_export(
                export_id,
                lambda out, progress: write_applications_csv(
                    queryset, out, progress=progress
                ),
            )
        return run_export(
            export_id,
            lambda out, progress: write_applications_xlsx(
                queryset, out, sheet_title=gettext("Applications"), progress=progress
            ),
        )
