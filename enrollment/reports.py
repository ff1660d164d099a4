"""Figures for the managers' report, aggregated in SQL.

Every function takes the applications the report is about (already narrowed to
the period and filters by the caller) and returns plain rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import (
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    TruncMonth,
    TruncWeek,
)

from programs.models import (
    BUDGET_PAYERS,
    Cohort,
    LearnerCategory,
    Payer,
    ProgramKind,
)

from .models import (
    FUNNEL_COUNTERS,
    Application,
    ApplicationStatus,
    DailyIntake,
    Employment,
)
from .seats import held_q
from .selectors import is_at_risk

S = ApplicationStatus
LEARNER_STATUSES = (S.ENROLLED, S.STUDYING, S.COMPLETED, S.EXPELLED)
# A stage counts every application that ever reached it, whatever came after:
# the services keep a flag per stage on the application and count it in the
# daily intake figures (DailyIntake) of the day the application was submitted.
AGE_GROUPS = [
    ("under_14", None, 14),
    ("14_17", 14, 18),
    ("18_34", 18, 35),
    ("35_49", 35, 50),
    ("50_plus", 50, None),
]


@dataclass(frozen=True)
class FunnelRow:
    name: str
    submitted: int
    reviewed: int
    offered: int
    enrolled: int
    completed: int

    def rate(self, stage: str) -> float | None:
        """Share of submitted applications that reached ``stage``."""
        return getattr(self, stage) / self.submitted if self.submitted else None


def funnel_by_program(
    daily: QuerySet[DailyIntake],
) -> list[tuple[str, FunnelRow]]:
    """The funnel per program with its direction's name, summed from the daily
    intake figures; totals and directions are exact sums of these rows."""
    rows = (
        daily.order_by()
        .values("cohort__program")
        .annotate(
            key=F("cohort__program__title"),
            direction=F("cohort__program__direction__name"),
            **{name: Sum(name) for name in FUNNEL_COUNTERS},
        )
        .order_by("key")
    )
    result = []
    for row in rows:
        row.pop("cohort__program")
        direction = row.pop("direction")
        result.append((direction, FunnelRow(name=row.pop("key"), **row)))
    return result


def add_up(name: str, rows) -> FunnelRow:
    """The sum of funnel rows."""
    return FunnelRow(
        name=name, **{f: sum(getattr(r, f) for r in rows) for f in FUNNEL_COUNTERS}
    )


def applications_over_time(
    daily: QuerySet[DailyIntake],
    *,
    by: str = "month",
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> list[tuple[datetime.date, int]]:
    """Applications per month or per week (weeks start on Monday), by the day of
    submission in Moscow time: summed in SQL, then every month (week) from
    ``first`` (or the first with applications) to ``last`` (or the last with
    applications) listed, those without applications as zero, so that the time
    axis has no gaps. No applications at all: no rows."""
    trunc = TruncWeek if by == "week" else TruncMonth
    counts = {
        _as_date(start): n
        for start, n in daily.annotate(period=trunc("day"))
        .order_by()
        .values("period")
        .annotate(n=Sum("submitted"))
        .values_list("period", "n")
    }
    if not any(counts.values()):
        return []
    begin = _period_start(first, by) if first else min(counts)
    end = _period_start(last, by) if last else max(counts)
    # Rows outside the bounds cannot exist (the caller filtered by them), but
    # the bounds never cut rows that do.
    begin, end = min(begin, min(counts)), max(end, max(counts))
    rows = []
    start = begin
    while start <= end:
        rows.append((start, counts.get(start, 0)))
        start = _next_period(start, by)
    return rows


def _as_date(value: datetime.date) -> datetime.date:
    """TruncWeek of a date gives a date, or a datetime on some backends."""
    return value.date() if isinstance(value, datetime.datetime) else value


def _period_start(day: datetime.date, by: str) -> datetime.date:
    if by == "week":
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_period(start: datetime.date, by: str) -> datetime.date:
    if by == "week":
        return start + datetime.timedelta(days=7)
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def learners(applications: QuerySet[Application]) -> QuerySet[Application]:
    return applications.filter(status__in=LEARNER_STATUSES)


def learners_by_category(applications: QuerySet[Application]) -> list[tuple[str, int]]:
    counts = dict(
        learners(applications)
        .order_by()
        .values_list("applicant__categories__code")
        .annotate(n=Count("pk", distinct=True))
        .values_list("applicant__categories__code", "n")
    )
    return [
        (str(category), counts.get(category.code, 0))
        for category in LearnerCategory.objects.order_by("pk")
    ]


def learners_by_sex(applications: QuerySet[Application]) -> dict[str, int]:
    return dict(
        learners(applications)
        .order_by()
        .values_list("applicant__sex")
        .annotate(n=Count("pk"))
        .values_list("applicant__sex", "n")
    )


def _date_number(field: str):
    """YYYYMMDD as a number: the difference of two is 10000 x full years, and more."""
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def learners_by_age(applications: QuerySet[Application]) -> dict[str, int]:
    """Age on the first day of the cohort, in the groups of AGE_GROUPS, in SQL."""
    aged = learners(applications).annotate(
        years=_date_number("cohort__starts_on") - _date_number("applicant__birth_date")
    )
    groups = {}
    for name, low, high in AGE_GROUPS:
        condition = Q()
        if low is not None:
            condition &= Q(years__gte=low * 10000)
        if high is not None:
            condition &= Q(years__lt=high * 10000)
        groups[name] = Count("pk", filter=condition)
    return aged.aggregate(**groups)


def trained_by_kind_form_funding(applications: QuerySet[Application]) -> list[tuple]:
    """Completed learners by program kind x form of study x who paid, by the
    application's funding stream: the federal, regional and local budgets, and
    paid (by an employer, the learner or maternity capital), the columns of
    the federal forms 1-ПК and 1-ПО."""
    return list(
        applications.filter(status=S.COMPLETED)
        .order_by()
        .values_list("cohort__program__kind", "cohort__program__study_form")
        .annotate(
            federal=Count("pk", filter=Q(stream__payer=Payer.FEDERAL_BUDGET)),
            regional=Count("pk", filter=Q(stream__payer=Payer.REGIONAL_BUDGET)),
            local=Count("pk", filter=Q(stream__payer=Payer.LOCAL_BUDGET)),
            paid=Count("pk", filter=~Q(stream__payer__in=BUDGET_PAYERS)),
        )
        .order_by("cohort__program__kind", "cohort__program__study_form")
    )


def centre_indicators(applications: QuerySet[Application]) -> dict[str, int]:
    """People reached, career-guidance participants, trained for employers.

    A person is counted once however many applications they made (person_key);
    ``values().distinct().count()`` lets PostgreSQL hash instead of sorting.
    """
    applications = applications.order_by()
    return {
        "reached": applications.values("person_key").distinct().count(),
        "career_guidance": applications.filter(
            cohort__program__kind=ProgramKind.CAREER_GUIDANCE,
            status__in=LEARNER_STATUSES,
        )
        .values("person_key")
        .distinct()
        .count(),
        "trained_for_employers": applications.filter(status=S.COMPLETED)
        .filter(Q(stream__payer=Payer.EMPLOYER) | ~Q(employer_inn=""))
        .values("pk")
        .distinct()
        .count(),
    }


def employment(applications: QuerySet[Application]) -> dict[str, int]:
    completed = applications.filter(status=S.COMPLETED)
    records = Employment.objects.filter(application__in=completed.values("pk"))
    return {
        "completed": completed.count(),
        "recorded": records.count(),
        "employed": records.filter(is_employed=True).count(),
        "by_partners": records.filter(is_employed=True)
        .exclude(employer_inn="")
        .count(),
    }


class CohortStage:
    """Where a cohort is on a day: its intake, its training, or done."""

    UPCOMING = "upcoming"
    RUNNING = "running"
    FINISHED = "finished"


@dataclass(frozen=True)
class CohortFill:
    """One cohort's figures for the report.

    ``held``: seats held now (enrollment.seats: learners and live offers);
    ``learners``: people enrolled, whatever came after (studying, completed,
    expelled); ``completed``: of them, who completed; ``waiting``: on the
    waiting list now.
    """

    cohort: Cohort
    stage: str
    held: int
    learners: int
    completed: int
    waiting: int
    at_risk: bool

    @property
    def taken(self) -> int:
        """What fills the group: the seats held while it recruits, the people
        enrolled once it has started (their seats are no longer held when they
        complete, but they filled it)."""
        return self.held if self.stage == CohortStage.UPCOMING else self.learners


def cohort_stage(cohort: Cohort, today: datetime.date) -> str:
    if cohort.starts_on > today:
        return CohortStage.UPCOMING
    if cohort.ends_on >= today:
        return CohortStage.RUNNING
    return CohortStage.FINISHED


def cohort_figures(
    cohorts: QuerySet[Cohort], *, today: datetime.date, now: datetime.datetime
) -> list[CohortFill]:
    """Per cohort: seats held now, learners, completed, waiting, at risk; in
    the order a manager reads them: the groups still recruiting, the nearest
    start first; then the groups studying and the finished ones, each the
    latest start first. Two queries whatever the number of
    applications."""
    cohorts_list = list(cohorts.select_related("program").order_by("starts_on", "code"))
    ids = [cohort.pk for cohort in cohorts_list]
    figures = ("held", "learners", "completed", "waiting")
    counts: dict[int, tuple[int, ...]] = {
        row[0]: row[1:]
        for row in Application.objects.filter(cohort_id__in=ids)
        .order_by()
        .values("cohort")
        .annotate(
            held=Count("pk", filter=held_q(now)),
            learners=Count("pk", filter=Q(status__in=LEARNER_STATUSES)),
            completed=Count("pk", filter=Q(status=S.COMPLETED)),
            waiting=Count("pk", filter=Q(status=S.WAITLISTED)),
        )
        .values_list("cohort", *figures)
    }
    rows = []
    for cohort in cohorts_list:
        held, learners, completed, waiting = counts.get(cohort.pk, (0, 0, 0, 0))
        rows.append(
            CohortFill(
                cohort=cohort,
                stage=cohort_stage(cohort, today),
                held=held,
                learners=learners,
                completed=completed,
                waiting=waiting,
                at_risk=is_at_risk(cohort, held, today),
            )
        )
    return sorted(rows, key=_reading_order)


def _reading_order(row: CohortFill) -> tuple:
    cohort = row.cohort
    if row.stage == CohortStage.UPCOMING:
        return (0, cohort.starts_on.toordinal(), cohort.code)
    if row.stage == CohortStage.RUNNING:
        return (1, -cohort.starts_on.toordinal(), cohort.code)
    return (2, -cohort.starts_on.toordinal(), cohort.code)


def cohort_fill(cohorts: QuerySet, *, today, now) -> list[tuple]:
    """Per cohort, by start: seats held now, people waiting, at risk."""
    rows = cohort_figures(cohorts, today=today, now=now)
    rows.sort(key=lambda row: (row.cohort.starts_on, row.cohort.code))
    return [(row.cohort, row.held, row.waiting, row.at_risk) for row in rows]
