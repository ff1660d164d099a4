"""Public catalog pages."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.vary import vary_on_cookie

from . import selectors
from .forms import CatalogFilterForm
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
            "category": "Free" if program.is_free else "Paid",
            "price": str(program.price),
            "priceCurrency": "RUB",
        },
        "hasCourseInstance": instances,
    }
