from django.db import migrations
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

STAGES = {
    "reached_review": "reviewed",
    "reached_offer": "offered",
    "reached_enrolment": "enrolled",
    "reached_completion": "completed",
}


def recount_by_stream(apps, schema_editor):
    """The daily figures, recounted with the stream of each application."""
    Application = apps.get_model("enrollment", "Application")
    DailyIntake = apps.get_model("enrollment", "DailyIntake")
    DailyIntake.objects.all().delete()
    rows = (
        Application.objects.order_by()
        .annotate(day=TruncDate("submitted_at"))
        .values("day", "cohort", "stream")
        .annotate(
            submitted=Count("pk"),
            **{
                counter: Count("pk", filter=Q(**{flag: True}))
                for flag, counter in STAGES.items()
            },
        )
    )
    DailyIntake.objects.bulk_create(
        (
            DailyIntake(cohort_id=row.pop("cohort"), stream_id=row.pop("stream"), **row)
            for row in rows.iterator()
        ),
        batch_size=5000,
    )


class Migration(migrations.Migration):
    # Data apart from the schema: PostgreSQL cannot change a table in the
    # transaction that wrote rows with deferred constraints into it.

    dependencies = [
        ("enrollment", "0014_daily_intake_by_stream"),
    ]

    operations = [
        migrations.RunPython(recount_by_stream, migrations.RunPython.noop),
    ]
