"""Reads of partners for the public pages."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from enrollment.models import Application, ApplicationStatus, Employment
from enrollment.seats import held_q
from programs.models import Program

from .models import Agreement, Commitment, Partner


def public_partners() -> QuerySet[Partner]:
    """Partners shown on the site, with the published programs they take part in."""
    return Partner.objects.filter(is_public=True).prefetch_related(
        Prefetch(
            "programs",
            queryset=Program.objects.published().order_by("title"),
            to_attr="public_programs",
        )
    )


def partners_of_program(program: Program) -> list[Partner]:
    """The public partners taking part in ``program``, by name."""
    return list(
        Partner.objects.filter(is_public=True, programs=program).order_by("short_name")
    )


def commitment_actual(commitment: Commitment) -> int | None:
    """What the portal itself knows happened under a commitment, or None.

    Reserved seats: seats held or used by the partner's employees in the cohort.
    Vacancies: learners recorded as employed by the partner (by ИНН).
    """
    inn = commitment.agreement.partner.inn
    if commitment.kind == Commitment.Kind.RESERVED_SEATS and commitment.cohort_id:
        return (
            Application.objects.filter(cohort_id=commitment.cohort_id, employer_inn=inn)
            .filter(
                held_q(timezone.now())
                | Q(
                    status__in=[ApplicationStatus.COMPLETED, ApplicationStatus.EXPELLED]
                )
            )
            .count()
        )
    if commitment.kind == Commitment.Kind.VACANCIES:
        return Employment.objects.filter(employer_inn=inn, is_employed=True).count()
    return None


def agreements_by_kind_and_status(
    today: datetime.date | None = None,
) -> list[tuple[str, str, int]]:
    """How many agreements of each kind are in each status on ``today``."""
    return list(
        Agreement.objects.with_status(today)
        .order_by()
        .values_list("kind", "status")
        .annotate(n=Count("pk"))
        .order_by("kind", "status")
    )


def expiring_agreements(
    days: int = 90, today: datetime.date | None = None
) -> QuerySet[Agreement]:
    """Agreements in force that end within ``days``, soonest first."""
    return (
        Agreement.objects.expiring_within(days, today)
        .select_related("partner")
        .order_by("valid_until")
    )


def commitments_planned_and_actual() -> list[tuple[str, int, int]]:
    """Per kind: planned in agreements in force, and the actual recorded by staff."""
    return list(
        Commitment.objects.filter(agreement__in=Agreement.objects.in_force())
        .order_by()
        .values_list("kind")
        .annotate(planned=Sum("planned"), actual=Sum("actual"))
        .order_by("kind")
    )


def employers_involved(today: datetime.date | None = None) -> int:
    """Partners with at least one agreement in force."""
    return Agreement.objects.in_force(today).values("partner").distinct().count()
