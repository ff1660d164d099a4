"""Create the reference rows: funding sources and learner categories."""

from django.db import migrations

FUNDING = ["federal", "regional", "employer", "personal", "maternity_capital"]
CATEGORIES = [
    "age_50_plus",
    "childcare_leave",
    "non_working_mother",
    "disability",
    "unemployed",
    "dismissal_risk",
    "svo",
    "youth",
    "pupil_6_7",
    "pupil_8_11",
    "student",
    "working_adult",
    "partner_employee",
]



def create_rows(apps, schema_editor):
    FundingSource = apps.get_model("programs", "FundingSource")
    LearnerCategory = apps.get_model("programs", "LearnerCategory")
    for code in FUNDING:
        FundingSource.objects.get_or_create(code=code)
    for code in CATEGORIES:
        LearnerCategory.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [
        migrations.RunPython(create_rows, migrations.RunPython.noop),
    ]
