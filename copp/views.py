"""Site-wide pages: home, health check, robots.txt, error pages."""

from __future__ import annotations

import logging
import math
import secrets
import sys

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
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

from core.security import seconds_until_allowed
from enrollment import selectors as enrollment
from enrollment.exports import register_xlsx_response
from enrollment.permissions import may_see_personal_data
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
    """The state of what the portal needs, for a load balancer and monitoring.

    The HTTP status is for the load balancer: 503 when this server cannot
    serve (no database), 200 otherwise. The body is for monitoring: each part
    "up" or "down", and "status" is "ok", "degraded" (the cache is down:
    pages are served uncached and rate limits are open) or "unavailable".
    """
    checks = {"database": database_answers(), "cache": cache_answers()}
    body = {name: "up" if up else "down" for name, up in checks.items()}
    if not checks["database"]:
        return JsonResponse({"status": "unavailable", **body}, status=503)
    body["status"] = "ok" if all(checks.values()) else "degraded"
    return JsonResponse(body)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return False
    return True


def cache_answers() -> bool:
    """Write a value and read it back. The cache ignores its own errors (so
    that pages survive without it); a value that does not come back is how
    an outage shows."""
    key, value = "healthz", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key) == value
    except Exception:
        answered = False
    if not answered:
        logger.error("Health check: the cache does not answer")
    return answered


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
    """A rate limit was reached: say so kindly, and when to come back (the end
    of the limit's window, as counted)."""
    seconds = seconds_until_allowed(request) or 600
    response = render(
        request, "429.html", {"wait_minutes": math.ceil(seconds / 60)}, status=429
    )
    response["Retry-After"] = str(seconds)
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
        # The register names people: it needs the personal-data permission too.
        if not may_see_personal_data(request.user):
            raise PermissionDenied
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
