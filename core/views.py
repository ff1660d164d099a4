"""The staff's list of their exports: progress that updates itself, then the
download, while the file is kept."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .models import ExportFile


def _mine(request: HttpRequest) -> QuerySet[ExportFile]:
    """The exports of the member of staff asking, still kept."""
    return ExportFile.objects.filter(
        owner_id=request.user.pk, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def _state(export: ExportFile) -> dict:
    return {
        "id": export.pk,
        "status": export.status,
        "status_label": str(export.get_status_display()),
        "percent": export.percent,
        "done": export.done,
        "total": export.total,
        "download": reverse("staff:export_download", args=[export.pk])
        if export.status == ExportFile.Status.READY
        else "",
    }


@never_cache
@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    """The member of staff's exports kept now, newest first."""
    if not request.user.is_staff:
        raise Http404
    return render(
        request,
        "core/exports.html",
        {
            **admin.site.each_context(request),
            "title": _("My exports"),
            "exports": _mine(request)[:50],
        },
    )


@never_cache
@login_required
def export_states(request: HttpRequest) -> JsonResponse:
    """What the list shows, for the page to update itself without reloading."""
    if not request.user.is_staff:
        raise Http404
    return JsonResponse({"exports": [_state(e) for e in _mine(request)[:50]]})


@never_cache
@login_required
def export_download(request: HttpRequest, export_id: int) -> FileResponse:
    """The file of one's own ready export, while one still has its permissions."""
    export = get_object_or_404(
        _mine(request), pk=export_id, status=ExportFile.Status.READY
    )
    # The permissions the export needed, still held now.
    if not request.user.is_staff or not request.user.has_perms(export.permissions):
        raise Http404
    response = FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
