"""Site-wide pages: home, health check, robots.txt, error pages."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import cache_page, never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_cookie

from enrollment import selectors as enrollment
from enrollment.exports import register_xlsx_response
from programs import selectors as catalog

from . import reports

logger = logging.getLogger(__name__)


@cache_page(settings.CATALOG_CACHE_SECONDS)
@vary_on_cookie  # the version for the visually impaired is a cookie
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {
            "directions": catalog.directions_with_counts(),
            "cohorts": catalog.cohorts_starting_soon(),
            "figures": catalog.catalog_figures(),
            "people_trained": enrollment.people_trained(),
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accessibility/",
        "Disallow: /en/accessibility/",
        "Allow: /",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def too_many_requests(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A rate limit was reached: say so kindly, and when to come back."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "600"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, or 503 when the database cannot be reached: a friendly page
    that says to come back, never a traceback. No context processors and no
    database: whatever broke may break again."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        template = loader.get_template("503.html")
        response = HttpResponse(
            template.render({"request_path": request.path}), status=503
        )
        response["Retry-After"] = "30"
        return response
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"request_path": request.path}), status=500)


def reports_dashboard(request: HttpRequest) -> HttpResponse:
    """The managers' report; the whole of it or one panel downloads as XLSX."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not request.user.has_perm("enrollment.view_reports"):
        raise PermissionDenied
    today = timezone.localdate()
    form = reports.ReportForm(request.GET)
    if request.GET.get("format") == "register":
        return register_xlsx_response(
            form.completions(today), filename=f"frdo-register-{today:%Y%m%d}.xlsx"
        )
    tables = reports.build_report(form, today)
    if request.GET.get("format") == "xlsx":
        panel = request.GET.get("panel")
        chosen = [t for t in tables if t.key == panel] or tables
        response = HttpResponse(
            reports.report_xlsx(chosen),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"report-{panel or 'all'}-{today:%Y%m%d}.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("panel", None)
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "tables": tables,
            "charts_available": settings.CHARTS_AVAILABLE,
            "query": query.urlencode(),
        },
    )
