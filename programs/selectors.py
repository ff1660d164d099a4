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
    Case,
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
    When,
)
from django.db.models.expressions import CombinedExpression, OrderBy
from django.utils import timezone

from .models import (
    BUDGET_PAYERS,
    Admission,
    Cohort,
    CohortQuota,
    Direction,
    FundingSource,
    Program,
    ProgramSubscription,
)

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
SeatCounter = Callable[..., dict[int, Any]]
_seat_annotation: SeatAnnotation | None = None
_quota_annotation: SeatAnnotation | None = None
_seat_counter: SeatCounter | None = None


def register_seat_annotation(
    annotation: SeatAnnotation,
    quota_annotation: SeatAnnotation | None = None,
    counter: SeatCounter | None = None,
) -> None:
    """Set how cohorts (and their quotas, per stream) are annotated with
    ``seats_held``, ``seats_reserved`` and ``seats_open``
    (enrollment.seats.annotate_seats, annotate_quota_seats), and how the seats
    of a few cohorts are counted (enrollment.seats.count_cohorts_seats)."""
    global _seat_annotation, _quota_annotation, _seat_counter
    _seat_annotation = annotation
    _quota_annotation = quota_annotation
    _seat_counter = counter


def with_seats(
    cohorts: list[Cohort], *, now: datetime.datetime | None = None
) -> list[Cohort]:
    """Set ``seats_held``, ``seats_reserved`` and ``seats_open`` on each of
    ``cohorts`` and on each quota in its ``stream_seats`` (when prefetched),
    as the annotations would, counted in a few plain queries: for the few
    cohorts of a page."""
    if _seat_counter is None:  # no enrollment app: every seat is open
        for cohort in cohorts:
            _set_seats(cohort, 0, 0, cohort.capacity)
            for quota in getattr(cohort, "stream_seats", ()):
                _set_seats(quota, 0, 0, quota.seats)
        return cohorts
    if not cohorts:
        return cohorts
    quotas = None
    if all(hasattr(c, "stream_seats") for c in cohorts):
        quotas = [
            (c.pk, q.stream_id, q.seats)
            for c in cohorts
            for q in getattr(c, "stream_seats")  # noqa: B009 (set by a Prefetch)
        ]
    counted = _seat_counter([c.pk for c in cohorts], now=now, quotas=quotas)
    for cohort in cohorts:
        seats = counted[cohort.pk]
        _set_seats(cohort, seats.held, seats.reserved, seats.open)
        for quota in getattr(cohort, "stream_seats", ()):
            stream = seats.on(quota.stream_id)
            _set_seats(quota, stream.held, stream.reserved, stream.open)
    return cohorts


def _set_seats(obj: Any, held: int, reserved: int, open_seats: int) -> None:
    obj.seats_held = held
    obj.seats_reserved = reserved
    obj.seats_open = open_seats


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


def _contains_any(name: str, variants: set[str]) -> Q:
    condition = Q()
    for variant in variants:
        condition |= Q(**{f"{name}__contains": variant})
    return condition


def _apply_search(
    programs: QuerySet[Program], text: str, *, full_text: bool
) -> QuerySet[Program]:
    """Keep the programs that match ``text``, annotated with their ``rank``
    (higher is more relevant)."""
    if full_text:
        # Russian stemming finds "сварщик" for "сварка"; the substring match
        # keeps abbreviations and partial words ("ЧПУ", "КОМПАС") findable.
        query = SearchQuery(text, config="russian", search_type="websearch")
        vector = _search_vector()
        return programs.annotate(search=vector, rank=SearchRank(vector, query)).filter(
            Q(search=query)
            | Q(title__icontains=text)
            | Q(direction__name__icontains=text)
        )
    # Without full-text search every word must appear somewhere; a word in the
    # title weighs more than one in the summary, which weighs more than one
    # elsewhere, so that relevance still means something.
    rank: Any = Value(0, output_field=IntegerField())
    for term in _fallback_terms(text):
        # SQLite compares case-insensitively only in ASCII; try the usual cases.
        variants = {term, term.capitalize(), term.upper()}
        programs = programs.filter(
            _contains_any("title", variants)
            | _contains_any("summary", variants)
            | _contains_any("description", variants)
            | _contains_any("qualification", variants)
            | _contains_any("direction__name", variants)
        )
        rank = rank + Case(
            When(_contains_any("title", variants), then=Value(3)),
            When(_contains_any("summary", variants), then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return programs.annotate(rank=rank)


def offers_free_expression() -> Exists:
    """A program annotation: does it offer training free for the learner (a
    stream a budget pays for)?"""
    return Exists(
        Program.funding_sources.through.objects.filter(
            program=OuterRef("pk"), fundingsource__payer__in=BUDGET_PAYERS
        )
    )


def applied_sort(filters: CatalogFilters) -> str:
    """The order the catalog really shows for ``filters``: the one asked for,
    or by default the most relevant first for a search and the nearest start
    otherwise; relevance without a search term means nothing, so it falls
    back to the nearest start."""
    if filters.sort in (Sort.START, Sort.TITLE, Sort.HOURS, Sort.PRICE):
        return filters.sort
    return default_sort(filters)


def default_sort(filters: CatalogFilters) -> str:
    """The order the catalog shows when none is asked for."""
    return Sort.RELEVANCE if filters.q else Sort.START


def search_programs(
    filters: CatalogFilters,
    *,
    today: datetime.date | None = None,
    full_text: bool | None = None,
) -> QuerySet[Program]:
    """Return the published programs that match ``filters``, sorted as
    ``applied_sort`` says.

    ``full_text`` chooses PostgreSQL's full-text search (ranked by
    ``ts_rank``) or the plain substring search other databases get; by
    default the database decides."""
    today = today or timezone.localdate()
    if full_text is None:
        full_text = _is_postgresql()
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
        programs = _apply_search(programs, filters.q, full_text=full_text)
    programs = programs.annotate(
        next_start=Min("cohorts__starts_on", filter=upcoming),
        open_cohorts=Count("cohorts", filter=upcoming),
    )
    orders: dict[str, list[str | OrderBy]] = {
        Sort.RELEVANCE: [F("rank").desc(), "title"],
        Sort.START: [F("next_start").asc(nulls_last=True), "title"],
        Sort.TITLE: ["title"],
        Sort.HOURS: ["hours", "title"],
        Sort.PRICE: ["price", "title"],
    }
    return programs.order_by(*orders[applied_sort(filters)], "pk")


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
    cohorts = (
        Cohort.objects.open_for_applications(today)
        .filter(
            starts_on__gte=today, starts_on__lte=today + datetime.timedelta(days=days)
        )
        .select_related("program", "program__direction", "venue")
        .order_by("starts_on", "code")
    )
    return with_seats(list(cohorts[:limit]))


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


# --- The program page -------------------------------------------------------


@dataclass(frozen=True)
class GroupOnPage:
    """A group as its program's page shows it: the cohort (with its seats and
    its seats by stream) and whether it takes applications today, or why not."""

    cohort: Cohort
    admission: Admission


@dataclass(frozen=True)
class StreamCost:
    """What studying on one of the program's streams costs the learner."""

    stream: FundingSource
    is_free: bool


@dataclass(frozen=True)
class ProgramPage:
    """What the program page shows: the program, its groups in order of
    start, and the three groups its top block speaks of."""

    program: Program
    groups: list[GroupOnPage]
    costs: list[StreamCost]
    # The group the page's main action applies to: the soonest open group
    # with a free seat, or else the soonest open one (its waiting list).
    action: GroupOnPage | None
    # The soonest group one may still join: open, or opening on a date.
    nearest_start: GroupOnPage | None
    # When no group is open: the soonest whose applications open on a date.
    next_opening: GroupOnPage | None

    @property
    def offered_cohorts(self) -> list[Cohort]:
        """The groups that run (cancelled ones left out)."""
        return [
            g.cohort for g in self.groups if g.admission.state != Admission.CANCELLED
        ]


def program_page(slug: str, *, today: datetime.date | None = None) -> ProgramPage:
    """Return what a published program's page shows; raise
    Program.DoesNotExist. Groups that have not ended are listed, and cancelled
    ones that were still to start (so that a visitor who saw one learns why
    it is gone). A fixed number of queries, however many groups."""
    today = today or timezone.localdate()
    quotas = CohortQuota.objects.select_related("stream").order_by(
        "stream__position", "stream"
    )
    cohorts = (
        Cohort.objects.filter(ends_on__gte=today)
        .exclude(status=Cohort.Status.CANCELLED, starts_on__lte=today)
        .select_related("venue")
        .prefetch_related(Prefetch("quotas", queryset=quotas, to_attr="stream_seats"))
        .order_by("starts_on", "code")
    )
    program = (
        Program.objects.published()
        .annotate(offers_free=offers_free_expression())
        .select_related("direction")
        .prefetch_related(
            Prefetch(
                "funding_sources",
                queryset=FundingSource.objects.order_by("position", "pk"),
                to_attr="streams",
            ),
            "categories",
            Prefetch("cohorts", queryset=cohorts, to_attr="page_cohorts"),
        )
        .get(slug=slug)
    )
    with_seats(program.page_cohorts)
    groups = [GroupOnPage(c, c.admission(today)) for c in program.page_cohorts]
    open_groups = [g for g in groups if g.admission.is_open]
    having_seats = [g for g in open_groups if getattr(g.cohort, "seats_open", 0) > 0]
    opening = [g for g in groups if g.admission.may_open]
    upcoming = [g for g in groups if g.admission.is_open or g.admission.may_open]
    return ProgramPage(
        program=program,
        groups=groups,
        # A program free for everyone names only the streams a budget pays
        # for (a paid stream at no price says nothing).
        costs=[
            StreamCost(stream=s, is_free=s.is_free or program.is_free)
            for s in program.streams
            if s.is_free or not program.is_free
        ],
        action=_first(having_seats or open_groups),
        nearest_start=_first(upcoming),
        next_opening=None if open_groups else _first(opening),
    )


def _first(groups: list[GroupOnPage]) -> GroupOnPage | None:
    return groups[0] if groups else None


def subscription_by_token(token: str) -> ProgramSubscription | None:
    """The notice subscription with this secret token, with its program."""
    return (
        ProgramSubscription.objects.select_related("program")
        .filter(token=token)
        .first()
    )
