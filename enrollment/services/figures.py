"""The report's daily intake figures (DailyIntake), kept with each change.

The engine calls ``count_submission`` and ``count_stages`` inside the transaction
that changes the application, under the cohort's lock, so the figures commit or
roll back with the change itself. ``rebuild_daily_intake`` recomputes every row
from the applications: after bulk loads (the demo seeding) and as a check.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import FUNNEL_COUNTERS, STAGE_COUNTERS, Application, DailyIntake


def _add(
    application: Application,
    counters: list[str],
    *,
    stream_id: int | None = None,
    by: int = 1,
) -> None:
    if not counters:
        return
    day = timezone.localdate(application.submitted_at)
    rows = DailyIntake.objects.filter(
        day=day,
        cohort_id=application.cohort_id,
        stream_id=stream_id or application.stream_id,
    )
    increments = {name: F(name) + by for name in counters}
    if rows.update(**increments):
        return
    try:
        with transaction.atomic():
            DailyIntake.objects.create(
                day=day,
                cohort_id=application.cohort_id,
                stream_id=stream_id or application.stream_id,
                **dict.fromkeys(counters, by),
            )
    except IntegrityError:  # another transaction created the row first
        rows.update(**increments)


def count_submission(application: Application) -> None:
    """A new application: one more submitted on its day, in its cohort."""
    _add(application, ["submitted"])


def count_stages(application: Application, flags: list[str]) -> None:
    """``application`` has just reached the stages of ``flags`` (for the first time)."""
    _add(application, [STAGE_COUNTERS[flag] for flag in flags])


def count_stream_change(application: Application, from_stream_id: int) -> None:
    """``application`` moved from another stream: its counts move with it."""
    counters = ["submitted"] + [
        counter
        for flag, counter in STAGE_COUNTERS.items()
        if getattr(application, flag)
    ]
    _add(application, counters, stream_id=from_stream_id, by=-1)
    DailyIntake.objects.filter(
        day=timezone.localdate(application.submitted_at),
        cohort_id=application.cohort_id,
        stream_id=from_stream_id,
        submitted=0,
    ).delete()
    _add(application, counters)


def daily_intake_from_applications() -> QuerySet:
    """The DailyIntake figures computed from the applications themselves."""
    return (
        Application.objects.order_by()
        .annotate(day=TruncDate("submitted_at"))
        .values("day", "cohort", "stream")
        .annotate(
            submitted=Count("pk"),
            **{
                counter: Count("pk", filter=Q(**{flag: True}))
                for flag, counter in STAGE_COUNTERS.items()
            },
        )
        .order_by("day", "cohort", "stream")
    )


def daily_intake_agrees() -> bool:
    """Do the kept DailyIntake rows equal a recount from the applications?"""
    kept = DailyIntake.objects.order_by("day", "cohort", "stream").values(
        "day", "cohort", "stream", *FUNNEL_COUNTERS
    )
    return list(kept) == list(daily_intake_from_applications())


@transaction.atomic
def rebuild_daily_intake() -> int:
    """Recompute every DailyIntake row from the applications; return how many.

    On PostgreSQL the table is locked first: a change counted before waits
    to commit and is read, one counted after waits for the rebuild."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {DailyIntake._meta.db_table} IN EXCLUSIVE MODE")
    DailyIntake.objects.all().delete()
    rows = [
        DailyIntake(cohort_id=row.pop("cohort"), stream_id=row.pop("stream"), **row)
        for row in daily_intake_from_applications()
    ]
    DailyIntake.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
