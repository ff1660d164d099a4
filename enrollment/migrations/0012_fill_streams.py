from django.db import migrations


def fill_streams(apps, schema_editor):
    """Each application and reservation takes its cohort's stream (every
    cohort had one quota after programs 0004); a reservation takes the
    employer's stream when the cohort offers one."""
    Application = apps.get_model("enrollment", "Application")
    SeatReservation = apps.get_model("enrollment", "SeatReservation")
    CohortQuota = apps.get_model("programs", "CohortQuota")
    by_cohort = {}
    for quota in CohortQuota.objects.select_related("stream").order_by("-seats"):
        by_cohort.setdefault(quota.cohort_id, []).append(quota.stream)
    for cohort_id, streams in by_cohort.items():
        Application.objects.filter(cohort_id=cohort_id, stream__isnull=True).update(
            stream=streams[0]
        )
        employer = next((s for s in streams if s.payer == "employer"), streams[0])
        SeatReservation.objects.filter(cohort_id=cohort_id).update(stream=employer)


class Migration(migrations.Migration):
    # Data apart from the schema: PostgreSQL cannot change a table in the
    # transaction that wrote rows with deferred constraints into it.

    dependencies = [
        ("enrollment", "0011_funding_streams"),
    ]

    operations = [
        migrations.RunPython(fill_streams, migrations.RunPython.noop),
    ]
