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

from programs.models import BUDGET_PAYERS, LearnerCategory, Payer, ProgramKind

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
    daily: QuerySet[DailyIntake], *, by: str = "month"
) -> list[tuple[datetime.date, int]]:
    """Applications per month or per week (weeks start on Monday), by the day of
    submission in Moscow time."""
    trunc = TruncWeek if by == "week" else TruncMonth
    return list(
        daily.annotate(period=trunc("day"))
        .order_by()
        .values("period")
        .annotate(n=Sum("submitted"))
        .order_by("period")
        .values_list("period", "n")
    )


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


def cohort_fill(cohorts: QuerySet, *, today, now) -> list[tuple]:
    """Per cohort: seats held now, people waiting, at risk; three grouped queries
    whatever the number of applications."""
    cohorts = list(cohorts.select_related("program").order_by("starts_on", "code"))
    ids = [cohort.pk for cohort in cohorts]
    in_cohorts = Application.objects.filter(cohort_id__in=ids).order_by()
    held = dict(
        in_cohorts.filter(held_q(now))
        .values("cohort")
        .annotate(n=Count("*"))
        .values_list("cohort", "n")
    )
    waiting = dict(
        in_cohorts.filter(status=S.WAITLISTED)
        .values("cohort")
        .annotate(n=Count("*"))
        .values_list("cohort", "n")
    )
    rows = []
    for cohort in cohorts:
        taken = held.get(cohort.pk, 0)
        rows.append(
            (cohort, taken, waiting.get(cohort.pk, 0), is_at_risk(cohort, taken, today))
        )
    return rows
