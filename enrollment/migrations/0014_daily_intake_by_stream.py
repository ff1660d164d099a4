import django.db.models.deletion
from django.db import migrations, models

class Migration(migrations.Migration):

    dependencies = [
        ("enrollment", "0013_streams_required"),
        ("programs", "0005_fill_streams"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="dailyintake",
            name="daily_intake_one_per_day_and_cohort",
        ),
        migrations.AddField(
            model_name="dailyintake",
            name="stream",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="programs.fundingsource",
                verbose_name="funding stream",
            ),
        ),
    ]
