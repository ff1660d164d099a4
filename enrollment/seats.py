"""What a seat is: one definition, for the seat engine, the catalog, the admin,
the reports and the demo loader.

A cohort offers its seats per funding stream (``programs.CohortQuota``: say 15
on the federal project, 6 paid); its capacity is the sum. On each stream, at a
moment, counted from live rows and never stored:

- **held**: seats people on that stream hold: enrolled, studying, or offered
  (an offer that is accepted, or not yet expired). A held seat is a learner,
  or nearly one.
- **reserved**: seats an active reservation on that stream (``release_on``
  after today) still keeps for its employer's employees: per reservation, its
  seats less the seats that employer's people hold on the stream, never below
  zero.
- **open**: seats anyone else eligible for the stream may still get: the
  stream's quota less held less reserved, never below zero.

A cohort's numbers are the sums over its streams. Each is here twice: as SQL
expressions to annotate a queryset of cohorts (``annotate_seats``) or of
quotas (``annotate_quota_seats``), and in Python for one cohort at hand
(``count_seats``), which the engine uses under the cohort's lock, or for the
few cohorts a page shows (``count_cohorts_seats``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from programs.models import Cohort, CohortQuota

from .models import Application, ApplicationStatus, SeatReservation

S = ApplicationStatus


def held_q(now: datetime.datetime, prefix: str = "") -> Q:
    """Applications that hold a seat at ``now`` (``prefix`` for a related path)."""
    p = prefix
    return Q(**{f"{p}status__in": (S.ENROLLED, S.STUDYING)}) | (
        Q(**{f"{p}status": S.OFFERED})
        & (
            Q(**{f"{p}offer_accepted_at__isnull": False})
            | Q(**{f"{p}offer_expires_at__gt": now})
        )
    )


def active_reservation_q(now: datetime.datetime) -> Q:
    """Reservations whose seats are still kept on the day of ``now`` (Moscow)."""
    return Q(release_on__gt=timezone.localdate(now))


# --- In SQL ---------------------------------------------------------------------


def _held_subquery(now: datetime.datetime, **match: OuterRef) -> Subquery:
    held = (
        Application.objects.filter(**match)
        .filter(held_q(now))
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(held, output_field=IntegerField())


def _reserved_subquery(now: datetime.datetime, **match: OuterRef) -> Subquery:
    used_by_employer = _held_subquery(
        now,
        cohort=OuterRef("cohort"),
        stream=OuterRef("stream"),
        employer_inn=OuterRef("employer_inn"),
    )
    unused = (
        SeatReservation.objects.filter(**match)
        .filter(active_reservation_q(now))
        .annotate(unused=Greatest(F("seats") - Coalesce(used_by_employer, 0), 0))
        .order_by()
        .values("cohort")
        .annotate(total=Sum("unused"))
        .values("total")
    )
    return Subquery(unused, output_field=IntegerField())


def held_expression(now: datetime.datetime) -> Coalesce:
    """A cohort annotation: seats held at ``now``, on every stream."""
    return Coalesce(_held_subquery(now, cohort=OuterRef("pk")), 0)


def reserved_expression(now: datetime.datetime) -> Coalesce:
    """A cohort annotation: seats active reservations still keep at ``now``."""
    return Coalesce(_reserved_subquery(now, cohort=OuterRef("pk")), 0)


def annotate_quota_seats(
    quotas: QuerySet[CohortQuota], *, now: datetime.datetime | None = None
) -> QuerySet[CohortQuota]:
    """Annotate quotas with ``seats_held``, ``seats_reserved`` and
    ``seats_open`` on their stream as of ``now``."""
    now = now or timezone.now()
    match = {"cohort": OuterRef("cohort"), "stream": OuterRef("stream")}
    return quotas.annotate(
        seats_held=Coalesce(_held_subquery(now, **match), 0),
        seats_reserved=Coalesce(_reserved_subquery(now, **match), 0),
    ).annotate(
        seats_open=Greatest(
            F("seats") - F("seats_held") - F("seats_reserved"), Value(0)
        )
    )


def open_expression(now: datetime.datetime) -> Coalesce:
    """A cohort annotation: seats open at ``now``, the sum over its streams."""
    per_stream = (
        annotate_quota_seats(CohortQuota.objects.filter(cohort=OuterRef("pk")), now=now)
        .order_by()
        .values("cohort")
        .annotate(total=Sum("seats_open"))
        .values("total")
    )
    return Coalesce(Subquery(per_stream, output_field=IntegerField()), 0)


def annotate_seats(
    cohorts: QuerySet[Cohort], *, now: datetime.datetime | None = None
) -> QuerySet[Cohort]:
    """Annotate ``seats_held``, ``seats_reserved`` and ``seats_open`` as of ``now``."""
    now = now or timezone.now()
    return cohorts.annotate(
        seats_held=held_expression(now),
        seats_reserved=reserved_expression(now),
        seats_open=open_expression(now),
    )


# --- In Python -------------------------------------------------------------------


@dataclass
class StreamSeats:
    """One stream's seats in a cohort; ``take`` follows an allocation."""

    quota: int
    held: int = 0
    # Per employer with an active reservation on the stream: the seats it keeps.
    reserved_for: dict[str, int] = field(default_factory=dict)

    @property
    def reserved(self) -> int:
        return sum(self.reserved_for.values())

    @property
    def open(self) -> int:
        return max(self.quota - self.held - self.reserved, 0)

    def can_take(self, employer_inn: str) -> bool:
        """May a person employed by ``employer_inn`` (or "") get a seat now?"""
        return self.reserved_for.get(employer_inn, 0) > 0 or self.open > 0

    def anyone_can_take(self) -> bool:
        return self.open > 0 or any(self.reserved_for.values())

    def take(self, employer_inn: str) -> None:
        """Count one more seat held: the employer's reserved seat first."""
        if self.reserved_for.get(employer_inn, 0) > 0:
            self.reserved_for[employer_inn] -= 1
        self.held += 1


@dataclass
class Seats:
    """One cohort's seats, counted at a moment, by stream (its id)."""

    streams: dict[int, StreamSeats] = field(default_factory=dict)

    def on(self, stream_id: int) -> StreamSeats:
        """The seats of one stream (none if the cohort does not offer it)."""
        return self.streams.get(stream_id) or StreamSeats(quota=0)

    @property
    def capacity(self) -> int:
        return sum(s.quota for s in self.streams.values())

    @property
    def held(self) -> int:
        return sum(s.held for s in self.streams.values())

    @property
    def reserved(self) -> int:
        return sum(s.reserved for s in self.streams.values())

    @property
    def open(self) -> int:
        return sum(s.open for s in self.streams.values())

    def can_take(self, stream_id: int, employer_inn: str) -> bool:
        return self.on(stream_id).can_take(employer_inn)

    def anyone_can_take(self) -> bool:
        return any(s.anyone_can_take() for s in self.streams.values())

    def take(self, stream_id: int, employer_inn: str) -> None:
        self.streams.setdefault(stream_id, StreamSeats(quota=0)).take(employer_inn)


def count_seats(cohort: Cohort, *, now: datetime.datetime | None = None) -> Seats:
    """Count ``cohort``'s seats at ``now`` from its rows (three queries)."""
    return count_cohorts_seats([cohort.pk], now=now)[cohort.pk]


def count_cohorts_seats(
    cohort_ids: Iterable[int],
    *,
    now: datetime.datetime | None = None,
    quotas: Iterable[tuple[int, int, int]] | None = None,
) -> dict[int, Seats]:
    """Count the seats of the cohorts ``cohort_ids`` at ``now`` from their rows:
    three plain queries however many cohorts (two when the caller has loaded
    their ``quotas`` already, as (cohort id, stream id, seats)), for a page
    that shows a few: building the SQL annotations costs a page more than
    running them."""
    now = now or timezone.now()
    ids = list(cohort_ids)
    counted = {pk: Seats() for pk in ids}
    if not ids:
        return counted
    if quotas is None:
        # No order: counting needs none, and the models' orders join tables.
        quotas = (
            CohortQuota.objects.filter(cohort_id__in=ids)
            .order_by()
            .values_list("cohort_id", "stream_id", "seats")
        )
    for cohort_id, stream_id, quota in quotas:
        counted[cohort_id].streams[stream_id] = StreamSeats(quota=quota)
    holders = Counter(
        Application.objects.filter(cohort_id__in=ids)
        .filter(held_q(now))
        .order_by()
        .values_list("cohort_id", "stream_id", "employer_inn")
    )
    for (cohort_id, stream_id, _inn), count in holders.items():
        streams = counted[cohort_id].streams
        streams.setdefault(stream_id, StreamSeats(quota=0)).held += count
    reservations = (
        SeatReservation.objects.filter(cohort_id__in=ids)
        .filter(active_reservation_q(now))
        .order_by()
    )
    for cohort_id, stream_id, inn, kept in reservations.values_list(
        "cohort_id", "stream_id", "employer_inn", "seats"
    ):
        stream = counted[cohort_id].streams.setdefault(stream_id, StreamSeats(quota=0))
        stream.reserved_for[inn] = max(
            kept - holders.get((cohort_id, stream_id, inn), 0), 0
        )
    return counted
