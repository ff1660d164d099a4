"""What a seat is: one definition, for the seat engine, the catalog, the admin,
the reports and the demo loader.

A cohort's seats at a moment come in three numbers, counted from live rows and
never stored:

- **held**: seats people hold: enrolled, studying, or offered (an offer that is
  accepted, or not yet expired). A held seat is a learner, or nearly one.
- **reserved**: seats an active reservation (``release_on`` after today) still
  keeps for its employer's employees: per reservation, its seats less the
  seats that employer's people hold, never below zero.
- **open**: seats anyone else may still get: capacity less held less reserved,
  never below zero.

Each number is here twice: as an SQL expression to annotate a queryset of
cohorts (``annotate_seats``), and in Python for one cohort at hand
(``count_seats``), which the engine uses under the cohort's lock.
"""

from __future__ import annotations

import datetime
from collections import Counter
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

from programs.models import Cohort

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


def held_expression(now: datetime.datetime) -> Coalesce:
    """A cohort annotation: seats held at ``now``."""
    return Coalesce(_held_subquery(now, cohort=OuterRef("pk")), 0)


def reserved_expression(now: datetime.datetime) -> Coalesce:
    """A cohort annotation: seats active reservations still keep at ``now``."""
    used_by_employer = _held_subquery(
        now, cohort=OuterRef("cohort"), employer_inn=OuterRef("employer_inn")
    )
    unused = (
        SeatReservation.objects.filter(cohort=OuterRef("pk"))
        .filter(active_reservation_q(now))
        .annotate(unused=Greatest(F("seats") - Coalesce(used_by_employer, 0), 0))
        .order_by()
        .values("cohort")
        .annotate(total=Sum("unused"))
        .values("total")
    )
    return Coalesce(Subquery(unused, output_field=IntegerField()), 0)


def annotate_seats(
    cohorts: QuerySet[Cohort], *, now: datetime.datetime | None = None
) -> QuerySet[Cohort]:
    """Annotate ``seats_held``, ``seats_reserved`` and ``seats_open`` as of ``now``."""
    now = now or timezone.now()
    return cohorts.annotate(
        seats_held=held_expression(now), seats_reserved=reserved_expression(now)
    ).annotate(
        seats_open=Greatest(
            F("capacity") - F("seats_held") - F("seats_reserved"), Value(0)
        )
    )


# --- In Python -------------------------------------------------------------------


@dataclass
class Seats:
    """One cohort's seats, counted at a moment; ``take`` follows an allocation."""

    capacity: int
    held: int
    # Per employer with an active reservation: the seats it still keeps.
    reserved_for: dict[str, int] = field(default_factory=dict)

    @property
    def reserved(self) -> int:
        return sum(self.reserved_for.values())

    @property
    def open(self) -> int:
        return max(self.capacity - self.held - self.reserved, 0)

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


def count_seats(cohort: Cohort, *, now: datetime.datetime | None = None) -> Seats:
    """Count ``cohort``'s seats at ``now`` from its rows (two queries)."""
    now = now or timezone.now()
    holders = Counter(
        Application.objects.filter(cohort=cohort)
        .filter(held_q(now))
        .values_list("employer_inn", flat=True)
    )
    reservations = SeatReservation.objects.filter(cohort=cohort).filter(
        active_reservation_q(now)
    )
    return Seats(
        capacity=cohort.capacity,
        held=sum(holders.values()),
        reserved_for={
            inn: max(seats - holders.get(inn, 0), 0)
            for inn, seats in reservations.values_list("employer_inn", "seats")
        },
    )
