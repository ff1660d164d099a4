"""Public catalog pages."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.vary import vary_on_cookie

from . import eligibility, selectors
from .forms import CatalogFilterForm, EligibilityForm
from .models import Program

PAGE_SIZE = 12


@cache_page(settings.CATALOG_CACHE_SECONDS)
@vary_on_cookie  # the version for the visually impaired is a cookie
def program_list(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None)
    filters = form.to_filters() if form.is_bound else selectors.CatalogFilters()
    programs = selectors.search_programs(filters)
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/program_list.html",
        {
            "form": form if form.is_bound else CatalogFilterForm(),
            "filters": filters,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "programs": page.object_list,
            "querystring": query.urlencode(),
            "is_filtered": form.is_bound and bool(query),
        },
    )


@cache_page(settings.CATALOG_CACHE_SECONDS)
@vary_on_cookie  # the version for the visually impaired is a cookie
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        program = selectors.get_published_program(slug)
    except Program.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "today": timezone.localdate(),
            "course_data": _course_data(request, program),
        },
    )


def eligibility_check(request: HttpRequest, slug: str) -> HttpResponse:
    """«Can I study for free?»: the rules of each stream applied to what the
    visitor says of themselves (posted, so that it stays out of addresses and
    logs), answered on the page and stored nowhere."""
    try:
        program = selectors.get_published_program(slug)
    except Program.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    cohorts = [c for c in program.current_cohorts if c.accepts_applications(today)]
    if cohorts:
        streams = eligibility.cohort_streams(cohorts[0])
        for cohort in cohorts[1:]:
            streams += [
                s for s in eligibility.cohort_streams(cohort) if s not in streams
            ]
    else:
        streams = list(eligibility.streams_with_rules(program.funding_sources.all()))
    form = EligibilityForm(
        request.POST if request.method == "POST" else None,
        program=program,
        cohorts=cohorts,
        streams=streams,
    )
    verdicts = None
    cohort = None
    if form.is_bound and form.is_valid():
        cohort = form.cleaned_data.get("cohort") or (cohorts[0] if cohorts else None)
        if cohort is not None:
            cohort = next(c for c in cohorts if c.pk == cohort.pk)
            verdicts = eligibility.check_cohort(cohort, form.situation())
        else:
            verdicts = [
                eligibility.check_stream(s, program, today, form.situation())
                for s in streams
            ]
    response = render(
        request,
        "programs/eligibility.html",
        {
            "program": program,
            "form": form,
            "cohort": cohort,
            "cohorts": cohorts,
            "verdicts": verdicts,
            "any_free": verdicts is not None
            and any(v.eligible and v.stream.is_free for v in verdicts),
            "requirements": [(s, eligibility.stream_requirements(s)) for s in streams],
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _course_data(request: HttpRequest, program: Program) -> dict:
    """schema.org Course data for search engines."""
    provider = {
        "@type": "EducationalOrganization",
        "name": settings.COPP_NAME,
        "address": settings.COPP_ADDRESS,
        "url": request.build_absolute_uri("/"),
    }
    instances = [
        {
            "@type": "CourseInstance",
            "courseMode": "blended" if program.uses_distance_learning else "onsite",
            "startDate": cohort.starts_on,
            "endDate": cohort.ends_on,
            "location": {
                "@type": "Place",
                "name": cohort.venue.name,
                "address": cohort.venue.address,
            },
        }
        for cohort in program.current_cohorts
    ]
    return {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": program.title,
        "description": program.summary,
        "url": request.build_absolute_uri(program.get_absolute_url()),
        "inLanguage": "ru",
        "provider": provider,
        "educationalCredentialAwarded": str(program.get_document_kind_display()),
        "timeRequired": f"PT{program.hours}H",
        "offers": {
            "@type": "Offer",
            "category": "Free" if program.offers_free or program.is_free else "Paid",
            "price": str(program.price),
            "priceCurrency": "RUB",
        },
        "hasCourseInstance": instances,
    }
