"""Demo plans: which cohorts get how many applications, and the path each
application takes through the statuses, with the moment of every step."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from enrollment.models import (
    ACTIVE_STATUSES,
    Application,
)
from enrollment.seats import annotate_quota_seats, annotate_seats, held_q
from programs.models import (
    Cohort,
    CohortQuota,
    ProgramKind,
)

from .common import (
    HOUR,
    MINUTE,
    ONE_DAY,
    SEED,
    A,
    S,
)
from .people import (
    CANCELLED_REASON,
    EXPULSION_REASONS,
    GROUP_FULL_REASON,
    GROUP_STARTED_COMMENT,
    REJECTION_REASONS,
)

# --------------------------------------------------------------------------- #
# Cohorts
# --------------------------------------------------------------------------- #
CANCELLED, PAST, CURRENT, FUTURE = "cancelled", "past", "current", "future"


@dataclass
class StreamPlan:
    """One stream of a cohort: its seats for the demo and its rules."""

    id: int
    code: str
    capacity: int  # the quota less the seats reserved for partners
    min_age: int | None
    max_age: int | None
    categories: tuple[str, ...]  # empty: anyone the program admits
    used: int = 0

    @property
    def room(self) -> int:
        return max(self.capacity - self.used, 0)


@dataclass
class CohortPlan:
    """What the seeding needs of one cohort, and what it holds so far."""

    id: int
    code: str
    capacity: int
    starts_on: datetime.date
    ends_on: datetime.date
    deadline: datetime.date
    phase: str
    first_come: bool
    closed: bool  # a future cohort that no longer takes applications
    takes_recent: bool  # applications of the last two days are possible
    pupils: bool
    dpo: bool  # further education: the register asks for the learner's diploma
    document_kind: str  # what a learner who completes receives
    qualification: str
    min_age: int
    required_education: str
    program_categories: tuple[str, ...]
    weight: float
    used: int = 0  # seats held now + completed + expelled
    active_keys: set[str] = field(default_factory=set)
    streams: list[StreamPlan] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return self.used >= self.capacity

    @property
    def issued_at(self) -> datetime.datetime:
        """When the documents of the group were recorded: its last day."""
        return timezone.make_aware(
            datetime.datetime.combine(self.ends_on, datetime.time(17, 0))
        )

    def pick_stream(self, rng: random.Random, *, seat: bool) -> StreamPlan:
        """The stream of the next application: for a seat, one with room left
        (the roomier the likelier); otherwise in proportion to the quotas."""
        if seat:
            options = [s for s in self.streams if s.room > 0]
            weights = [s.room for s in options]
        else:
            options = self.streams
            weights = [max(s.capacity, 1) for s in options]
        return rng.choices(options, weights)[0]


def _phase(cohort: Cohort, today: datetime.date) -> str:
    if cohort.status == Cohort.Status.CANCELLED:
        return CANCELLED
    if cohort.ends_on < today:
        return PAST
    if cohort.starts_on < today:
        return CURRENT
    return FUTURE


def _demand(program_slug: str, kind: str, is_free: bool) -> float:
    """How popular a program is: free training and career guidance draw most."""
    rng = random.Random(f"{SEED}:demand:{program_slug}")
    base = 1.4 if kind == ProgramKind.CAREER_GUIDANCE else (1.6 if is_free else 0.7)
    return base * rng.lognormvariate(0, 0.45)


def cohort_plans(today: datetime.date, now: datetime.datetime) -> list[CohortPlan]:
    # Seats kept for partners' employees are not the demo's to give.
    cohorts = annotate_seats(
        Cohort.objects.filter(program__is_published=True)
        .select_related("program")
        .prefetch_related("program__categories")
        .order_by("code"),
        now=now,
    )
    used = dict(
        Application.objects.filter(
            held_q(now) | Q(status__in=(S.COMPLETED, S.EXPELLED))
        )
        .order_by()
        .values_list("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )
    used_by_stream = {
        (cohort_id, stream_id): n
        for cohort_id, stream_id, n in Application.objects.filter(
            held_q(now) | Q(status__in=(S.COMPLETED, S.EXPELLED))
        )
        .order_by()
        .values("cohort_id", "stream_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "stream_id", "n")
    }
    streams: dict[int, list[StreamPlan]] = {}
    quotas = annotate_quota_seats(
        CohortQuota.objects.select_related("stream")
        .prefetch_related("stream__categories")
        .order_by("cohort", "stream__position", "stream"),
        now=now,
    )
    for quota in quotas:
        stream = quota.stream
        streams.setdefault(quota.cohort_id, []).append(
            StreamPlan(
                id=stream.pk,
                code=stream.code,
                capacity=quota.seats - quota.seats_reserved,
                min_age=stream.min_age,
                max_age=stream.max_age,
                categories=tuple(c.code for c in stream.categories.all()),
                used=used_by_stream.get((quota.cohort_id, stream.pk), 0),
            )
        )
    plans = []
    for cohort in cohorts:
        program = cohort.program
        phase = _phase(cohort, today)
        if phase == FUTURE:
            # Later intakes have been open for a shorter time.
            days_left = (cohort.application_deadline - today).days
            timing = min(1.0, max(0.25, 1 - days_left / 180))
        elif phase == CANCELLED:
            timing = 0.3  # cancelled for want of applicants
        else:
            timing = 1.0
        plans.append(
            CohortPlan(
                id=cohort.pk,
                code=cohort.code,
                capacity=cohort.capacity - cohort.seats_reserved,
                starts_on=cohort.starts_on,
                ends_on=cohort.ends_on,
                deadline=cohort.application_deadline,
                phase=phase,
                first_come=cohort.admission_mode == Cohort.AdmissionMode.FIRST_COME,
                closed=phase == FUTURE and not cohort.accepts_applications(today),
                takes_recent=cohort.application_deadline >= today - ONE_DAY,
                pupils=program.kind == ProgramKind.CAREER_GUIDANCE,
                dpo=program.is_dpo,
                document_kind=program.document_kind,
                qualification=program.qualification,
                min_age=program.min_age,
                required_education=program.required_education,
                program_categories=tuple(c.code for c in program.categories.all()),
                weight=cohort.capacity
                * _demand(program.slug, program.kind, program.is_free)
                * timing,
                used=used.get(cohort.pk, 0),
                streams=streams.get(cohort.pk, []),
            )
        )
    return plans


def load_active_keys(plans: list[CohortPlan]) -> None:
    """Who already holds an active application in these cohorts."""
    by_id = {plan.id: plan for plan in plans}
    active = Application.objects.filter(
        status__in=ACTIVE_STATUSES, cohort_id__in=list(by_id)
    ).values_list("cohort_id", "person_key")
    for cohort_id, key in active.iterator(chunk_size=20_000):
        by_id[cohort_id].active_keys.add(key)


# --------------------------------------------------------------------------- #
# Statuses and their history
# --------------------------------------------------------------------------- #

# How a step is timed (besides a fixed datetime).
SOON = "soon"  # seconds after the step before: the system acting at once
GAP = "gap"  # hours or days later, before the next fixed time
OFFER_GAP = "offer_gap"  # like GAP, and while the offer is still valid
EXPIRE = "expire"  # the moment the offer runs out


@dataclass
class Step:
    status: str
    actor: str
    comment: str = ""
    when: object = GAP


@dataclass
class Anchors:
    """Fixed moments of one cohort, and the bounds of a path's times."""

    ref: datetime.datetime  # the start of today: every event is before it
    start: datetime.datetime
    end: datetime.datetime
    deadline_end: datetime.datetime
    pre_end: datetime.datetime  # decisions before the start happen before this
    cancel: datetime.datetime


def at_moscow(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute))
    )


def uniform_time(
    rng: random.Random, low: datetime.datetime, high: datetime.datetime
) -> datetime.datetime:
    if high <= low:
        return low
    seconds = (high - low).total_seconds()
    return low + datetime.timedelta(seconds=int(rng.uniform(0, seconds)))


class Texts:
    """Comments as the services write them, in Russian."""

    def __init__(self) -> None:
        with translation.override("ru"):
            self.expired = gettext("The offer expired without an answer.")
            self.accepted = gettext("The applicant accepted the offer.")
            self.declined = gettext("The applicant declined the offer.")


def pick_status(rng: random.Random, plan: CohortPlan) -> tuple[str, bool]:
    """The final status of the next application of ``plan``, and whether it
    wanted a seat that was no longer free."""
    if plan.phase == CANCELLED:
        return rng.choices((S.WITHDRAWN, S.REJECTED), (45, 55))[0], False
    if plan.phase == PAST:
        status = rng.choices(
            (S.COMPLETED, S.EXPELLED, S.WITHDRAWN, S.REJECTED), (74, 7, 10, 9)
        )[0]
        if status in (S.COMPLETED, S.EXPELLED) and plan.full:
            return rng.choice((S.WITHDRAWN, S.REJECTED)), True
        return status, False
    if plan.phase == CURRENT:
        status = rng.choices((S.STUDYING, S.EXPELLED, S.WITHDRAWN), (80, 5, 15))[0]
        if status != S.WITHDRAWN and plan.full:
            return S.WITHDRAWN, True
        return status, False
    # A future cohort.
    seat = "seat"
    if plan.first_come:
        options, weights = (seat, S.REJECTED, S.WITHDRAWN), (80, 6, 14)
    elif plan.closed:
        options = (S.IN_REVIEW, seat, S.REJECTED, S.WITHDRAWN)
        weights = (4, 74, 11, 11)
    else:
        options = (S.SUBMITTED, S.IN_REVIEW, seat, S.REJECTED, S.WITHDRAWN)
        weights = (16, 14, 50, 9, 11)
    status = rng.choices(options, weights)[0]
    if status != seat:
        return status, False
    if plan.full:
        return S.WAITLISTED, True
    # An open offer is at most a few days old; a first-come offer is made on
    # submission, so it is open only if the application is that recent.
    offered_share = 0.45 if not plan.first_come else 0.25
    if plan.closed:
        offered_share = 0.15
    if plan.first_come and not plan.takes_recent:
        offered_share = 0
    return (S.OFFERED if rng.random() < offered_share else S.ENROLLED), False


def _admit(rng: random.Random, plan: CohortPlan, to: str, when: object) -> list[Step]:
    """Steps from submission to an offer or a place in the queue."""
    if plan.first_come:
        return [Step(to, A.SYSTEM, when=SOON)]
    steps = []
    if rng.random() < 0.8:
        steps.append(Step(S.IN_REVIEW, A.STAFF))
    steps.append(Step(to, A.STAFF, when=when))
    return steps


def _enrol(
    rng: random.Random, plan: CohortPlan, texts: Texts, accept_share: float = 0.5
) -> list[Step]:
    steps = _admit(rng, plan, S.OFFERED, GAP)
    if rng.random() < accept_share:
        steps.append(Step(S.OFFERED, A.APPLICANT, texts.accepted, OFFER_GAP))
    steps.append(Step(S.ENROLLED, A.STAFF, when=OFFER_GAP))
    return steps


def status_path(
    rng: random.Random,
    plan: CohortPlan,
    status: str,
    overflow: bool,
    anchors: Anchors,
    texts: Texts,
) -> list[Step]:
    """The steps after submission that lead to ``status``."""
    if status == S.SUBMITTED:
        return []
    if status == S.IN_REVIEW:
        return [Step(S.IN_REVIEW, A.STAFF)]
    if status == S.WAITLISTED:
        return _admit(rng, plan, S.WAITLISTED, GAP)
    if status == S.OFFERED:
        recent = uniform_time(
            rng, _recent_offers_since(anchors.ref), anchors.ref - 20 * MINUTE
        )
        steps = _admit(rng, plan, S.OFFERED, recent)
        if rng.random() < 0.35:
            steps.append(Step(S.OFFERED, A.APPLICANT, texts.accepted, OFFER_GAP))
        return steps
    if status == S.ENROLLED:
        return _enrol(rng, plan, texts)
    if status == S.STUDYING:
        return [
            *_enrol(rng, plan, texts),
            Step(S.STUDYING, A.STAFF, when=anchors.start),
        ]
    if status == S.COMPLETED:
        return [
            *_enrol(rng, plan, texts),
            Step(S.STUDYING, A.STAFF, when=anchors.start),
            Step(S.COMPLETED, A.STAFF, when=anchors.end),
        ]
    if status == S.EXPELLED:
        during = uniform_time(
            rng, anchors.start + HOUR, min(anchors.end - HOUR, anchors.ref - MINUTE)
        )
        return [
            *_enrol(rng, plan, texts),
            Step(S.STUDYING, A.STAFF, when=anchors.start),
            Step(S.EXPELLED, A.STAFF, rng.choice(EXPULSION_REASONS), during),
        ]
    if plan.phase == CANCELLED:
        return _cancelled_path(rng, plan, status, anchors, texts)
    if overflow:
        # Wanted a seat when none was free: waited, then the group was formed.
        steps = _admit(rng, plan, S.WAITLISTED, GAP)
        if status == S.REJECTED:
            return [*steps, Step(S.REJECTED, A.STAFF, GROUP_FULL_REASON)]
        if plan.phase == FUTURE or rng.random() < 0.6:
            return [*steps, Step(S.WITHDRAWN, A.APPLICANT)]
        # Still waiting when the group started: staff close the application.
        started = anchors.start + 2 * HOUR
        return [*steps, Step(S.WITHDRAWN, A.STAFF, GROUP_STARTED_COMMENT, started)]
    if status == S.REJECTED:
        reason = rng.choice(REJECTION_REASONS)
        if plan.first_come:
            return [
                Step(S.OFFERED, A.SYSTEM, when=SOON),
                Step(S.REJECTED, A.STAFF, reason, OFFER_GAP),
            ]
        steps = [Step(S.IN_REVIEW, A.STAFF)] if rng.random() < 0.75 else []
        return [*steps, Step(S.REJECTED, A.STAFF, reason)]
    # Withdrawn by the applicant, or an offer left unanswered.
    if plan.first_come:
        variant = rng.choices(("declined", "expired", "enrolled"), (50, 35, 15))[0]
    else:
        variant = rng.choices(
            ("submitted", "in_review", "declined", "expired", "enrolled"),
            (40, 15, 20, 15, 10),
        )[0]
    if variant == "submitted":
        return [Step(S.WITHDRAWN, A.APPLICANT)]
    if variant == "in_review":
        return [Step(S.IN_REVIEW, A.STAFF), Step(S.WITHDRAWN, A.APPLICANT)]
    if variant == "enrolled":
        return [*_enrol(rng, plan, texts), Step(S.WITHDRAWN, A.APPLICANT)]
    steps = _admit(rng, plan, S.OFFERED, GAP)
    if variant == "declined":
        return [*steps, Step(S.WITHDRAWN, A.APPLICANT, texts.declined, OFFER_GAP)]
    return [*steps, Step(S.WITHDRAWN, A.SYSTEM, texts.expired, EXPIRE)]


def _cancelled_path(
    rng: random.Random,
    plan: CohortPlan,
    status: str,
    anchors: Anchors,
    texts: Texts,
) -> list[Step]:
    if status == S.REJECTED:
        if plan.first_come:
            steps = [Step(S.OFFERED, A.SYSTEM, when=SOON)]
        elif rng.random() < 0.7:
            steps = [Step(S.IN_REVIEW, A.STAFF)]
        else:
            steps = []
        return [*steps, Step(S.REJECTED, A.STAFF, CANCELLED_REASON, anchors.cancel)]
    if plan.first_come:
        if rng.random() < 0.5:
            return [
                Step(S.OFFERED, A.SYSTEM, when=SOON),
                Step(S.WITHDRAWN, A.APPLICANT, texts.declined, OFFER_GAP),
            ]
        return [
            *_enrol(rng, plan, texts),
            Step(S.WITHDRAWN, A.STAFF, CANCELLED_REASON, anchors.cancel),
        ]
    return [Step(S.WITHDRAWN, A.APPLICANT)]


def _recent_offers_since(ref: datetime.datetime) -> datetime.datetime:
    """Offers made after this moment are still open on the whole of today."""
    return ref - datetime.timedelta(hours=max(settings.OFFER_VALID_HOURS - 30, 1))


def submission_window(
    plan: CohortPlan, steps: list[Step], anchors: Anchors
) -> tuple[datetime.datetime, datetime.datetime]:
    """When the application may have been sent so that its path fits."""
    high = min(anchors.deadline_end, anchors.pre_end - 2 * HOUR)
    for index, step in enumerate(steps):
        if isinstance(step.when, datetime.datetime):
            high = min(high, step.when - (index + 1) * 10 * MINUTE)
            break
    low = at_moscow(plan.deadline - datetime.timedelta(days=75), 8)
    if low >= high - HOUR:  # an intake far ahead: open for a month so far
        low = high - datetime.timedelta(days=30)
    # An offer made on submission (first come, first served) ...
    if steps and steps[0].status == S.OFFERED and steps[0].when == SOON:
        after = [s for s in steps[1:] if s.status != S.OFFERED]
        if not after:
            # ... still open now: the application is recent.
            low = max(low, _recent_offers_since(anchors.ref))
        elif isinstance(after[0].when, datetime.datetime):
            # ... still open at the fixed moment of the next step.
            valid = datetime.timedelta(hours=settings.OFFER_VALID_HOURS - 4)
            low = max(low, after[0].when - valid)
    return low, high


def timeline(
    rng: random.Random,
    submitted_at: datetime.datetime,
    steps: list[Step],
    limit: datetime.datetime,
    texts: Texts,
) -> list[datetime.datetime]:
    """Increasing times of ``steps`` after ``submitted_at``; all before ``limit``
    unless a step has a fixed time. May turn an offer that cannot have run out
    yet into one the applicant declined."""
    offer_valid = datetime.timedelta(hours=settings.OFFER_VALID_HOURS)
    times: list[datetime.datetime] = []
    prev = submitted_at
    offered_at = None
    for index, step in enumerate(steps):
        if isinstance(step.when, datetime.datetime):
            moment = step.when
        elif step.when == SOON:
            moment = prev + datetime.timedelta(seconds=rng.randint(1, 20))
        else:
            bound, left = limit, 1
            for later in steps[index + 1 :]:
                if isinstance(later.when, datetime.datetime):
                    bound = later.when
                    break
                left += 1
            moment = None
            if step.when == EXPIRE:
                moment = (
                    offered_at
                    + offer_valid
                    + datetime.timedelta(seconds=rng.randint(5, 59))
                )
                if moment >= bound:
                    step.when, step.actor, step.comment = (
                        OFFER_GAP,
                        A.APPLICANT,
                        texts.declined,
                    )
                    moment = None
            if moment is None:
                if step.when == OFFER_GAP:
                    bound = min(bound, offered_at + offer_valid - HOUR)
                room = (bound - prev) / (left + 1)
                wait = datetime.timedelta(hours=rng.expovariate(1 / 30))
                moment = prev + min(max(wait, 10 * MINUTE), room)
        if step.status == S.OFFERED and offered_at is None:
            offered_at = moment
        times.append(moment)
        prev = moment
    return times
