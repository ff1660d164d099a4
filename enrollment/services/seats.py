"""The seat engine: locks, the queue, offers and their expiry, reservations.

Seats are never stored: they are counted from live rows (enrollment.seats)
inside the transaction that allocates, with the cohort's row locked first.
Locks are always taken in the same order: the cohort, then its applications.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs import eligibility
from programs.models import Cohort, FundingSource, Payer

from ..models import (
    Application,
    ApplicationStatus,
    SeatReservation,
    StatusChange,
)
from ..seats import Seats, count_seats, held_q
from ..selectors import situation_of, waiting_list
from . import figures
from .status import Actor, change_status

S = ApplicationStatus


# --- Locks ------------------------------------------------------------------------


def lock_cohort(cohort_id: int) -> Cohort:
    """Lock a cohort's row: the first lock of every change to its seats."""
    return (
        Cohort.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=cohort_id)
    )


def lock_application(application_id: int) -> Application:
    """Lock an application's row, after its cohort's."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort", "cohort__program", "applicant")
        .get(pk=application_id)
    )


# --- The queue -------------------------------------------------------------------


def _release_expired_offers(cohort: Cohort, *, now: datetime.datetime) -> int:
    expired = list(
        cohort.applications.select_for_update()
        .filter(
            status=S.OFFERED, offer_accepted_at__isnull=True, offer_expires_at__lte=now
        )
        .order_by("offer_expires_at", "pk")
    )
    for application in expired:
        change_status(
            application,
            S.WITHDRAWN,
            actor=Actor.system(),
            comment=str(_("The offer expired without an answer.")),
            now=now,
        )
    return len(expired)


def _seat_for(
    application: Application,
    seats: Seats,
    streams: list[FundingSource],
) -> FundingSource | None:
    """The stream on which ``application`` may get a seat now: its own, or,
    if the applicant agreed to it, another they are eligible for."""
    if seats.can_take(application.stream_id, application.employer_inn):
        return application.stream
    if not application.accepts_other_streams:
        return None
    others = [
        s
        for s in streams
        if s.pk != application.stream_id
        and seats.can_take(s.pk, application.employer_inn)
    ]
    if not others:
        return None
    cohort = application.cohort
    situation = situation_of(application.applicant)
    for stream in others:
        verdict = eligibility.check_stream(
            stream, cohort.program, cohort.starts_on, situation
        )
        if verdict.eligible:
            return stream
    return None


def _offer(
    application: Application,
    stream: FundingSource,
    *,
    actor: Actor,
    comment: str = "",
    now: datetime.datetime,
) -> None:
    """Offer ``application`` a seat on ``stream`` (another stream is recorded)."""
    if stream.pk != application.stream_id:
        moved = _(
            "Offered a seat on the stream “%(to)s” instead of “%(from)s”, as the applicant agreed."
        ) % {
            "to": stream.name,
            "from": application.stream.name,
        }
        comment = f"{comment} {moved}".strip()
        previous = application.stream_id
        application.stream = stream
        application.save(update_fields=["stream"])
        figures.count_stream_change(application, previous)
    change_status(application, S.OFFERED, actor=actor, comment=comment, now=now)


def _fill_from_waitlist(
    cohort: Cohort,
    *,
    now: datetime.datetime,
    streams: list[FundingSource] | None = None,
) -> Seats:
    """Offer free seats to the people waiting, first in first served, each on
    their stream (or another they agreed to and may use); a reserved seat goes
    to the first person waiting who works for its employer. Return the seats
    as they are after these offers."""
    seats = count_seats(cohort, now=now)
    if not seats.anyone_can_take():
        return seats
    if streams is None:
        streams = eligibility.cohort_streams(cohort)
    waiting = (
        waiting_list(cohort)
        .select_for_update(of=("self",))
        .select_related("stream", "applicant", "cohort__program")
    )
    for application in waiting:
        stream = _seat_for(application, seats, streams)
        if stream is None:
            if not seats.anyone_can_take():
                break
            continue
        seats.take(stream.pk, application.employer_inn)
        _offer(
            application,
            stream,
            actor=Actor.system(),
            comment=str(_("A seat became free.")),
            now=now,
        )
    return seats


def settle(
    cohort: Cohort,
    *,
    now: datetime.datetime,
    streams: list[FundingSource] | None = None,
) -> Seats:
    """Release expired offers, then offer free seats to the people waiting;
    return the seats as they are then. Caller holds the cohort lock.

    ``streams``: the cohort's streams (eligibility.cohort_streams), when the
    caller has them already."""
    _release_expired_offers(cohort, now=now)
    return _fill_from_waitlist(cohort, now=now, streams=streams)


def offer_or_waitlist(
    application: Application,
    *,
    actor: Actor,
    now: datetime.datetime,
    streams: list[FundingSource] | None = None,
) -> None:
    """Give a submitted or accepted application a seat if one is free to it,
    else a place at the end of the queue. Caller holds the cohort lock.

    ``streams``: the cohort's streams (eligibility.cohort_streams), when the
    caller has them already."""
    cohort = application.cohort
    if streams is None:
        streams = eligibility.cohort_streams(cohort)
    seats = settle(cohort, now=now, streams=streams)
    # After settling, nobody waiting can use a free seat; so a seat this person
    # can take is theirs (a reserved seat of their employer, or a general one,
    # on their stream or one they agreed to). The seats settling returns are
    # counted under the same lock, with its offers taken: the same figures as
    # counting again.
    stream = _seat_for(application, seats, streams)
    if stream is not None:
        _offer(application, stream, actor=actor, now=now)
    else:
        change_status(application, S.WAITLISTED, actor=actor, now=now)


# --- Offers ------------------------------------------------------------------------


def accept_offer(*, application: Application) -> Application:
    """Accept a seat offer before its deadline; the seat is then kept for enrolment."""
    with transaction.atomic(durable=True):
        lock_cohort(application.cohort_id)
        application = lock_application(application.pk)
        now = timezone.now()
        if not application.offer_is_open(now):
            raise ValidationError(
                _("This offer can no longer be accepted."), code="offer_closed"
            )
        application.offer_accepted_at = now
        application.save(update_fields=["offer_accepted_at"])
        StatusChange.objects.create(
            application=application,
            from_status=S.OFFERED,
            to_status=S.OFFERED,
            actor_kind=StatusChange.ActorKind.APPLICANT,
            comment=str(_("The applicant accepted the offer.")),
            created_at=now,
        )
    return application


def expire_offers(*, now: datetime.datetime | None = None) -> int:
    """Release every offer past its deadline and move each queue; return how many.

    Safe to run at any time and as often as wanted: a released offer is not
    released twice, and each cohort is settled under its own lock.
    """
    now = now or timezone.now()
    cohort_ids = list(
        Application.objects.filter(
            status=S.OFFERED, offer_accepted_at__isnull=True, offer_expires_at__lte=now
        )
        .values_list("cohort_id", flat=True)
        .distinct()
        .order_by("cohort_id")
    )
    # Cohorts whose reserved seats went back to everyone and have people waiting.
    today = timezone.localdate(now)
    cohort_ids = sorted(
        set(cohort_ids)
        | set(
            SeatReservation.objects.filter(
                release_on__lte=today,
                cohort__applications__status=S.WAITLISTED,
            ).values_list("cohort_id", flat=True)
        )
    )
    released = 0
    for cohort_id in cohort_ids:
        with transaction.atomic(durable=True):
            cohort = lock_cohort(cohort_id)
            released += _release_expired_offers(cohort, now=now)
            _fill_from_waitlist(cohort, now=now)
    return released


# --- Reserved seats ----------------------------------------------------------------


def reserve_seats(
    *,
    cohort: Cohort,
    employer_inn: str,
    employer_name: str,
    seats: int,
    release_on: datetime.date,
    source: str = "",
    stream: FundingSource | None = None,
) -> SeatReservation:
    """Set aside seats of a cohort's stream for one employer's employees until
    ``release_on``.

    The stream is the cohort's employer-paid one unless named (else its
    first). Only free seats of the stream can be reserved, counted under the
    cohort lock, so a reservation never overbooks it. Re-reserving for the
    same employer replaces the previous number.
    """
    if seats < 1:
        raise ValidationError({"seats": _("Reserve at least one seat.")})
    with transaction.atomic():
        cohort = lock_cohort(cohort.pk)
        if release_on > cohort.starts_on:
            raise ValidationError(
                {"release_on": _("Unused seats must return before the group starts.")}
            )
        streams = eligibility.cohort_streams(cohort)
        if stream is None:
            stream = next(
                (s for s in streams if s.payer == Payer.EMPLOYER),
                streams[0] if streams else None,
            )
        if stream is None or stream not in streams:
            raise ValidationError(
                {
                    "stream": ValidationError(
                        _("This group offers no seats on that stream."),
                        code="no_such_stream",
                    )
                }
            )
        now = timezone.now()
        counted = count_seats(cohort, now=now).on(stream.pk)
        # Open seats, plus what this employer's reservation still keeps, plus
        # the seats its people hold on the stream.
        holders = cohort.applications.filter(
            held_q(now), employer_inn=employer_inn, stream=stream
        ).count()
        previous = cohort.reservations.filter(employer_inn=employer_inn).first()
        kept = counted.reserved_for.get(employer_inn, 0)
        if previous is not None and previous.stream_id != stream.pk:
            kept = 0
        available = counted.open + kept + holders
        if seats > available:
            raise ValidationError(
                {
                    "seats": _("Only %(free)s seats of this group can be reserved now.")
                    % {"free": available}
                },
                code="no_free_seats",
            )
        reservation, _created = SeatReservation.objects.update_or_create(
            cohort=cohort,
            employer_inn=employer_inn,
            defaults={
                "employer_name": employer_name,
                "seats": seats,
                "release_on": release_on,
                "source": source,
                "stream": stream,
            },
        )
        settle(cohort, now=now)
    return reservation


def cancel_reservation(*, cohort: Cohort, employer_inn: str) -> None:
    """Give a reservation's seats back to everyone; the queue moves at once."""
    with transaction.atomic():
        cohort = lock_cohort(cohort.pk)
        cohort.reservations.filter(employer_inn=employer_inn).delete()
        settle(cohort, now=timezone.now())
