"""Site-wide pages: home, health check, robots.txt, error pages."""

from __future__ import annotations

import datetime
import logging
import math
import sys

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import (
    InterfaceError,
    OperationalError,
    transaction,
)
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import health
from core.exports import start_export
from core.pagecache import public_page
from core.security import seconds_until_allowed
from enrollment import register
from enrollment import selectors as enrollment
from enrollment.exports import register_xlsx_response
from enrollment.permissions import may_see_personal_data
from programs import selectors as catalog

from . import reports
from .models import ReportSubscription
from .reports.subscriptions import set_subscriptions
from .tasks import export_register

logger = logging.getLogger(__name__)


@public_page  # shared by visitors who see the same page (core.pagecache)
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
    "up" or "down", the age of the oldest task waiting for a worker, and
    "status": "ok", "degraded" (the cache is down: pages are served uncached
    and rate limits are open; or tasks wait longer than QUEUE_DELAY_ALERT_SECONDS:
    no worker runs) or "unavailable".
    """
    if not health.database_answers():
        return JsonResponse(
            {"status": "unavailable", "database": "down", "cache": "unknown"},
            status=503,
        )
    waiting = health.oldest_waiting_task_seconds()
    body = {
        "database": "up",
        "cache": "up" if health.cache_answers() else "down",
        "queue": {
            "oldest_waiting_seconds": waiting,
            "workers": "late" if waiting > settings.QUEUE_DELAY_ALERT_SECONDS else "up",
        },
    }
    healthy = body["cache"] == "up" and body["queue"]["workers"] == "up"
    body["status"] = "ok" if healthy else "degraded"
    return JsonResponse(body)


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
    if request.GET.get("format") in ("register", "register-check"):
        return register_page(request, form, today)
    tables = reports.build_report(form, today)
    period = form.period(today)
    if request.GET.get("format") == "xlsx":
        panel = request.GET.get("panel")
        chosen = [t for t in tables if t.key == panel]
        response = HttpResponse(
            reports.report_xlsx(
                chosen or tables, about=form.description(today, timezone.now())
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        # Named by its period (and its panel): report-20260901-20261130.xlsx.
        parts = ["report", *(t.key.replace("_", "-") for t in chosen[:1])]
        name = "-".join([*parts, period.slug(today)])
        response["Content-Disposition"] = content_disposition_header(
            True, f"{name}.xlsx"
        )
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
            "period_label": period.label(),
            "charts_available": settings.CHARTS_AVAILABLE,
            "query": query.urlencode(),
            "subscription_form": SubscriptionForm(
                initial={
                    "frequencies": list(
                        request.user.report_subscriptions.values_list(
                            "frequency", flat=True
                        )
                    )
                }
            ),
        },
    )


REGISTER_PERMISSIONS = ("enrollment.view_reports", "enrollment.view_applicant")


def register_page(
    request: HttpRequest, form: reports.ReportForm, today: datetime.date
) -> HttpResponse:
    """The register of issued documents for the period, in the official ПО or
    ДПО template: first its check (which learners lack which field, with
    links to fix them), then the file, at once when small, in the background
    (My exports) when large. It names people, so it needs the personal-data
    permission too."""
    if not may_see_personal_data(request.user):
        raise PermissionDenied
    template = request.GET.get("template")
    if template not in register.TEMPLATES:
        template = register.PO
    completions, duplicates = form.completions(today), form.duplicates(today)
    query = request.GET.copy()
    query.pop("format", None)
    query["template"] = template
    if request.GET.get("format") == "register-check":
        period = form.period(today)
        left_out = register.completions_left_out(
            form.applications(today),
            template,
            first=period.first_day,
            last=period.last_day,
        )
        return register_check(
            request,
            completions,
            duplicates,
            template,
            query,
            period_label=period.label(),
            left_out=left_out,
        )
    filename = f"frdo-{template}-{today:%Y%m%d}.xlsx"
    rows = completions.count() + duplicates.count()
    if rows <= settings.EXPORT_IN_BACKGROUND_ROWS:
        return register_xlsx_response(
            completions, duplicates, template=template, filename=filename
        )
    with transaction.atomic():
        export = start_export(
            owner=request.user,
            title=gettext("Register of issued documents, %(template)s, %(rows)s rows")
            % {"template": register.TEMPLATES[template], "rows": rows},
            filename=filename,
            permissions=REGISTER_PERMISSIONS,
        )
        export_register.enqueue(
            export_id=export.pk,
            query=query.urlencode(),
            today=today.isoformat(),
            language=get_language() or settings.LANGUAGE_CODE,
        )
    messages.info(
        request,
        gettext(
            "The export is large: it is being made in the background. "
            "Download it here when it is ready."
        ),
    )
    return redirect("staff:exports")


CHECK_SHOWN = 500  # problems listed on the page; the count is of all of them


def register_check(
    request: HttpRequest,
    completions: QuerySet,
    duplicates: QuerySet,
    template: str,
    query: QueryDict,
    *,
    period_label: str,
    left_out: register.LeftOut,
) -> HttpResponse:
    """Every row of the register checked before export, and the completions the
    report counts for the period that this register does not list, and why."""
    checked = register.check_register(
        completions, duplicates, template, shown=CHECK_SHOWN
    )
    return render(
        request,
        "reports/register_check.html",
        {
            "template": template,
            "template_name": register.TEMPLATES[template],
            "templates": register.TEMPLATES,
            "rows": checked.rows,
            "ready": checked.ready,
            "with_problems": checked.with_problems,
            "problems": checked.problems,
            "by_field": checked.by_field,
            "shown_limit": CHECK_SHOWN,
            "period_label": period_label,
            "left_out": left_out,
            "outside_query": _outside_query(query, left_out),
            "other_template": next(
                (name for key, name in register.TEMPLATES.items() if key != template),
                "",
            ),
            "download": f"?{query.urlencode()}&format=register",
            "query_without_template": _without(query, "template"),
            "back": f"?{_without(query, 'template')}",
        },
    )


def _outside_query(query: QueryDict, left_out: register.LeftOut) -> str:
    """The register's check for the days the documents left out as issued
    outside the period were issued."""
    if not (left_out.outside_from and left_out.outside_to):
        return ""
    query = query.copy()
    query.pop("preset", None)
    query["date_from"] = left_out.outside_from.isoformat()
    query["date_to"] = left_out.outside_to.isoformat()
    query["format"] = "register-check"
    return query.urlencode()


def _without(query: QueryDict, name: str) -> str:
    query = query.copy()
    query.pop(name, None)
    return query.urlencode()


class SubscriptionForm(forms.Form):
    frequencies = forms.MultipleChoiceField(
        label=_("Send me this report by e-mail"),
        choices=ReportSubscription.Frequency.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@require_POST
def report_subscriptions(request: HttpRequest) -> HttpResponse:
    """Subscribe to the report by e-mail, or unsubscribe."""
    if not request.user.is_authenticated or not request.user.has_perm(
        "enrollment.view_reports"
    ):
        raise PermissionDenied
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        chosen = set_subscriptions(
            user=request.user, frequencies=form.cleaned_data["frequencies"]
        )
        if not request.user.email:
            messages.warning(
                request,
                gettext("Your account has no e-mail address: ask the administrator."),
            )
        messages.success(
            request,
            gettext("You will receive the report by e-mail.")
            if chosen
            else gettext("You will not receive the report by e-mail."),
        )
    return redirect("reports:dashboard")


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and crawlers ask for whatever the page
    says: the icon among the static files (named by its content)."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
