"""Public catalog pages, and the notices that a group of a program has opened."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.forms import add_errors
from core.numbers import parse_int
from core.pagecache import public_page
from core.security import client_ip, limit_posts, private_page

from . import eligibility, selectors, services
from .forms import CatalogFilterForm, EligibilityForm, ProgramSubscriptionForm
from .models import Program, SubscriptionConsentText

PAGE_SIZE = 12


@public_page  # shared by visitors who see the same page (core.pagecache)
def program_list(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None)
    filters = form.to_filters()
    programs = selectors.search_programs(filters)
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    active_filters = form.active_filters(request.path)
    return render(
        request,
        "programs/program_list.html",
        {
            "form": form,
            "filters": filters,
            "sort_menu": form.sort_menu(filters),
            "active_filters": active_filters,
            "reset_url": form.reset_url(request.path),
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "programs": page.object_list,
            "querystring": query.urlencode(),
        },
    )


@public_page  # shared by visitors who see the same page (core.pagecache)
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = selectors.program_page(slug)
    except Program.DoesNotExist:
        raise Http404 from None
    return _program_page(request, page, ProgramSubscriptionForm())


def _program_page(
    request: HttpRequest, page: selectors.ProgramPage, form: ProgramSubscriptionForm
) -> HttpResponse:
    return render(
        request,
        "programs/program_detail.html",
        {
            "page": page,
            "program": page.program,
            "course_data": _course_data(request, page),
            "education_needed": eligibility.education_needed(
                page.program.required_education
            ),
            "notice_form": form,
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


def _course_data(request: HttpRequest, page: selectors.ProgramPage) -> dict:
    """schema.org Course data for search engines."""
    program = page.program
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
        for cohort in page.offered_cohorts
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


# --- Intake notices: «tell me when a group opens» ---------------------------


# The notice form sits on the cached program page, which carries no CSRF
# token (a token would make every first visit uncacheable). A forged post can
# do no more than anyone can do directly: ask for a confirmation letter to an
# address, which changes nothing until its owner confirms; the rate limit and
# the honeypot apply as on the other public forms.
@csrf_exempt
@never_cache
@limit_posts("subscribe")
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    """The notice form of the program page. A valid request is answered alike
    whether or not the address was subscribed already."""
    try:
        page = selectors.program_page(slug)
    except Program.DoesNotExist:
        raise Http404 from None
    if request.method != "POST":
        return redirect(f"{page.program.get_absolute_url()}#notify")
    form = ProgramSubscriptionForm(request.POST)
    if form.is_valid():
        try:
            services.subscribe_to_program(
                program=page.program,
                email=form.cleaned_data["email"],
                consent=form.cleaned_data["consent"],
                language=get_language() or settings.LANGUAGE_CODE,
                evidence=services.Evidence(
                    ip_address=client_ip(request) or None,
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                ),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("programs:notice_sent", slug=page.program.slug)
    return _program_page(request, page, form)


def notice_sent(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.published(), slug=slug)
    return render(request, "programs/notice_sent.html", {"program": program})


def notice_consent(request: HttpRequest) -> HttpResponse:
    """The consent to keep an address for the notice: the current text, or a
    version asked for (``?version=``)."""
    texts = SubscriptionConsentText.objects.order_by("-version")
    if "version" in request.GET:
        version = parse_int(request.GET["version"], minimum=1, maximum=2**31 - 1)
        text = texts.filter(version=version).first() if version else None
    else:
        text = texts.first()
    if text is None:
        raise Http404
    return render(request, "programs/notice_consent.html", {"text": text})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_notice(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirming e-mail: a page with a button (mail scanners
    open links; only a person presses it)."""
    if request.method == "POST":
        subscription = services.confirm_program_subscription(token=token)
        confirmed = subscription is not None
    else:
        subscription = selectors.subscription_by_token(token)
        confirmed = subscription is not None and subscription.is_confirmed
    response = render(
        request,
        "programs/notice_confirm.html",
        {"subscription": subscription, "confirmed": confirmed},
        status=200 if subscription is not None else 404,
    )
    return private_page(response)


@never_cache
@csrf_exempt  # RFC 8058: a mail client posts the one-click unsubscription
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notice: GET asks, POST deletes the address (from the
    page's button, or a mail client's one-click ``List-Unsubscribe-Post``).
    The secret token is the protection, so no CSRF token is needed."""
    if request.method == "POST":
        services.unsubscribe_from_program(token=token)
        response = render(request, "programs/notice_unsubscribe.html", {"done": True})
    else:
        subscription = selectors.subscription_by_token(token)
        response = render(
            request,
            "programs/notice_unsubscribe.html",
            {"subscription": subscription, "done": subscription is None},
        )
    return private_page(response)
