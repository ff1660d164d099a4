"""Reads of the catalog: search, the program page, the home page figures."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import CombinedExpression, OrderBy
from django.utils import timezone

from .models import BUDGET_PAYERS, Cohort, CohortQuota, Direction, Program

MAX_QUERY_LENGTH = 100


class Sort:
    RELEVANCE = "relevance"
    START = "start"
    TITLE = "title"
    HOURS = "hours"
    PRICE = "price"


@dataclass(frozen=True)
class CatalogFilters:
    """What a visitor asked of the catalog; every field is optional."""

    q: str = ""
    directions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    cost: str = ""  # "", "free" or "paid"
    category: str = ""
    starts_within: int | None = None
    sort: str = ""


# Seats are counted from applications, which the enrollment app owns; it
# registers its one definition here when it loads (programs imports no app).
SeatAnnotation = Callable[..., QuerySet[Any]]
_seat_annotation: SeatAnnotation | None = None
_quota_annotation: SeatAnnotation | None = None


def register_seat_annotation(
    annotation: SeatAnnotation, quota_annotation: SeatAnnotation | None = None
) -> None:
    """Set how cohorts (and their quotas, per stream) are annotated with
    ``seats_held``, ``seats_reserved`` and ``seats_open``
    (enrollment.seats.annotate_seats, annotate_quota_seats)."""
    global _seat_annotation, _quota_annotation
    _seat_annotation = annotation
    _quota_annotation = quota_annotation


def annotate_quota_seats(
    quotas: QuerySet[CohortQuota], *, now: datetime.datetime | None = None
) -> QuerySet[CohortQuota]:
    """Annotate each quota with its stream's ``seats_held``, ``seats_reserved``
    and ``seats_open`` as of ``now``."""
    if _quota_annotation is None:
        zero = Value(0, output_field=IntegerField())
        return quotas.annotate(
            seats_held=zero, seats_reserved=zero, seats_open=F("seats")
        )
    return _quota_annotation(quotas, now=now)


def annotate_seats(
    cohorts: QuerySet[Cohort], *, now: datetime.datetime | None = None
) -> QuerySet[Cohort]:
    """Annotate ``seats_held``, ``seats_reserved`` and ``seats_open`` as of ``now``."""
    if _seat_annotation is None:  # no enrollment app: every seat is open
        zero = Value(0, output_field=IntegerField())
        return cohorts.annotate(
            seats_held=zero, seats_reserved=zero, seats_open=F("capacity")
        )
    return _seat_annotation(cohorts, now=now)


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _search_vector() -> SearchVector | CombinedExpression:
    return (
        SearchVector("title", weight="A", config="russian")
        + SearchVector("summary", weight="B", config="russian")
        + SearchVector(
            "description", "outcomes", "qualification", weight="C", config="russian"
        )
    )


_ENDINGS = re.compile(r"[аеёиоуыэюяйь]{1,2}$")


def _fallback_terms(text: str) -> list[str]:
    """Split a query into crude stems for databases without full-text search."""
    terms = []
    for word in re.findall(r"\w+", text.lower())[:8]:
        stem = _ENDINGS.sub("", word) if len(word) > 4 else word
        terms.append(stem)
    return terms


def _apply_search(programs: QuerySet[Program], text: str) -> QuerySet[Program]:
    if _is_postgresql():
        # Russian stemming finds "сварщик" for "сварка"; the substring match
        # keeps abbreviations and partial words ("ЧПУ", "КОМПАС") findable.
        query = SearchQuery(text, config="russian", search_type="websearch")
        vector = _search_vector()
        return programs.annotate(search=vector, rank=SearchRank(vector, query)).filter(
            Q(search=query)
            | Q(title__icontains=text)
            | Q(direction__name__icontains=text)
        )
    # SQLite compares case-insensitively only in ASCII; try the usual cases.
    for term in _fallback_terms(text):
        variants = {term, term.capitalize(), term.upper()}
        condition = Q()
        for variant in variants:
            for name in (
                "title",
                "summary",
                "description",
                "qualification",
                "direction__name",
            ):
                condition |= Q(**{f"{name}__contains": variant})
        programs = programs.filter(condition)
    return programs.annotate(rank=Value(0, output_field=IntegerField()))


def offers_free_expression() -> Exists:
    """A program annotation: does it offer training free for the learner (a
    stream a budget pays for)?"""
    return Exists(
        Program.funding_sources.through.objects.filter(
            program=OuterRef("pk"), fundingsource__payer__in=BUDGET_PAYERS
        )
    )


def search_programs(
    filters: CatalogFilters, *, today: datetime.date | None = None
) -> QuerySet[Program]:
    """Return the published programs that match ``filters``, sorted as asked."""
    today = today or timezone.localdate()
    programs: QuerySet[Program] = Program.objects.published().select_related(
        "direction"
    )
    if filters.directions:
        programs = programs.filter(direction__slug__in=filters.directions)
    if filters.kinds:
        programs = programs.filter(kind__in=filters.kinds)
    if filters.forms:
        programs = programs.filter(study_form__in=filters.forms)
    programs = programs.annotate(offers_free=offers_free_expression())
    if filters.cost == "free":
        programs = programs.filter(offers_free=True)
    elif filters.cost == "paid":
        programs = programs.filter(price__gt=0)
    if filters.category:
        programs = programs.filter(
            Exists(
                Program.categories.through.objects.filter(
                    program=OuterRef("pk"), learnercategory__code=filters.category
                )
            )
        )
    upcoming = Q(cohorts__status=Cohort.Status.OPEN, cohorts__starts_on__gte=today)
    if filters.starts_within is not None:
        horizon = today + datetime.timedelta(days=filters.starts_within)
        programs = programs.filter(
            Exists(
                Cohort.objects.filter(
                    program=OuterRef("pk"),
                    status=Cohort.Status.OPEN,
                    starts_on__gte=today,
                    starts_on__lte=horizon,
                )
            )
        )
    if filters.q:
        programs = _apply_search(programs, filters.q)
    programs = programs.annotate(
        next_start=Min("cohorts__starts_on", filter=upcoming),
        open_cohorts=Count("cohorts", filter=upcoming),
    )
    sort = filters.sort or (Sort.RELEVANCE if filters.q else Sort.START)
    orders: dict[str, list[str | OrderBy]] = {
        Sort.RELEVANCE: ["-rank", "title"],
        Sort.START: [F("next_start").asc(nulls_last=True), "title"],
        Sort.TITLE: ["title"],
        Sort.HOURS: ["hours", "title"],
        Sort.PRICE: ["price", "title"],
    }
    order = orders.get(sort, ["title"])
    if sort == Sort.RELEVANCE and not filters.q:
        order = [F("next_start").asc(nulls_last=True), "title"]
    return programs.order_by(*order, "pk")


def get_published_program(slug: str, *, today: datetime.date | None = None) -> Program:
    """Return a published program with what its page shows; raise DoesNotExist."""
    today = today or timezone.localdate()
    quotas = annotate_quota_seats(
        CohortQuota.objects.select_related("stream").order_by(
            "stream__position", "stream"
        )
    )
    cohorts = annotate_seats(
        Cohort.objects.filter(ends_on__gte=today)
        .exclude(status=Cohort.Status.CANCELLED)
        .select_related("venue")
        .prefetch_related(Prefetch("quotas", queryset=quotas, to_attr="stream_seats"))
        .order_by("starts_on", "code")
    )
    return (
        Program.objects.published()
        .annotate(offers_free=offers_free_expression())
        .select_related("direction")
        .prefetch_related(
            "funding_sources",
            "categories",
            Prefetch("cohorts", queryset=cohorts, to_attr="current_cohorts"),
        )
        .get(slug=slug)
    )


def directions_with_counts() -> QuerySet[Direction]:
    """Directions with at least one published program, with their number."""
    return Direction.objects.annotate(
        program_count=Count("programs", filter=Q(programs__is_published=True))
    ).filter(program_count__gt=0)


def cohorts_starting_soon(
    *, today: datetime.date | None = None, days: int = 60, limit: int = 6
) -> list[Cohort]:
    """Open cohorts starting within ``days``, soonest first, with their seats."""
    today = today or timezone.localdate()
    cohorts = annotate_seats(
        Cohort.objects.open_for_applications(today)
        .filter(
            starts_on__gte=today, starts_on__lte=today + datetime.timedelta(days=days)
        )
        .select_related("program", "program__direction", "venue")
        .order_by("starts_on", "code")
    )
    return list(cohorts[:limit])


@dataclass(frozen=True)
class CatalogFigures:
    programs: int
    open_cohorts: int
    directions: int


def catalog_figures(*, today: datetime.date | None = None) -> CatalogFigures:
    """The home page's figures: programs, directions, groups open now."""
    today = today or timezone.localdate()
    published = Program.objects.published()
    counts = published.aggregate(
        programs=Count("pk", distinct=True),
        directions=Count("direction", distinct=True),
    )
    open_cohorts = Cohort.objects.open_for_applications(today).count()
    return CatalogFigures(
        programs=counts["programs"],
        open_cohorts=open_cohorts,
        directions=counts["directions"] or 0,
    )
