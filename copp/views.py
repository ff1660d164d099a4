"""Site-wide pages: home, health check, robots.txt, error pages."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import cache_page, never_cache
from django.views.decorators.http import require_GET

from enrollment import selectors as enrollment
from programs import selectors as catalog

logger = logging.getLogger(__name__)


@cache_page(settings.CATALOG_CACHE_SECONDS)
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
        "Allow: /",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors and no database: whatever broke may break again.
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"request_path": request.path}), status=500)
