"""What the bulk loader wrote keeps the services' rules.

The demo loader writes rows in bulk, without the services, for speed; these
checks read the result back with the services' own definitions (the seats of
``enrollment.seats``, the transition table, the daily figures), so that the
demo can never drift from what the services would have made.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from enrollment.models import TRANSITIONS, Application, ApplicationStatus, StatusChange
from enrollment.seats import annotate_quota_seats, annotate_seats
from enrollment.services.figures import daily_intake_agrees
from programs.models import Cohort, CohortQuota

S = ApplicationStatus


def check_demo_data(*, now: datetime.datetime | None = None) -> list[str]:
    """Return the broken rules, each a sentence; an empty list when all hold."""
    now = now or timezone.now()
    problems: list[str] = []
    cohorts = annotate_seats(Cohort.objects.all(), now=now).annotate(
        waiting=Count("applications", filter=Q(applications__status=S.WAITLISTED))
    )
    overbooked = cohorts.filter(seats_held__gt=F("capacity")) | cohorts.filter(
        seats_reserved__gt=F("capacity") - F("seats_held")
    )
    for cohort in overbooked.distinct():
        problems.append(
            f"{cohort.code}: {cohort.seats_held} held and {cohort.seats_reserved} "
            f"reserved of {cohort.capacity} seats"
        )
    quotas = annotate_quota_seats(CohortQuota.objects.all(), now=now).filter(
        seats_held__gt=F("seats")
    )
    for quota in quotas.select_related("cohort", "stream"):
        problems.append(
            f"{quota.cohort.code}: {quota.seats_held} held of {quota.seats} seats "
            f"on the stream {quota.stream.code}"
        )
    queued = cohorts.filter(
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        status=Cohort.Status.OPEN,
        waiting__gt=0,
        seats_open__gt=0,
    )
    for cohort in queued:
        problems.append(
            f"{cohort.code}: {cohort.waiting} waiting next to {cohort.seats_open} "
            "open seats"
        )
    pairs = StatusChange.objects.values_list("from_status", "to_status").distinct()
    for from_status, to_status in pairs:
        allowed = (
            (from_status == "" and to_status == S.SUBMITTED)
            or to_status in TRANSITIONS.get(from_status, ())
            # The record of an accepted offer: the status stays.
            or (from_status == to_status == S.OFFERED)
        )
        if not allowed:
            problems.append(f"a history goes from “{from_status}” to “{to_status}”")
    submitted = StatusChange.objects.filter(from_status="", to_status=S.SUBMITTED)
    if submitted.count() != Application.objects.count():
        problems.append("not every application's history starts with its submission")
    if not daily_intake_agrees():
        problems.append("the daily intake figures disagree with the applications")
    return problems
