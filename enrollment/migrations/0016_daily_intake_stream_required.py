import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("enrollment", "0015_recount_daily_intake"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dailyintake",
            name="stream",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="programs.fundingsource",
                verbose_name="funding stream",
            ),
        ),
        migrations.AlterModelOptions(
            name="dailyintake",
            options={
                "ordering": ["day", "cohort", "stream"],
                "verbose_name": "daily intake",
                "verbose_name_plural": "daily intake",
            },
        ),
        migrations.AddConstraint(
            model_name="dailyintake",
            constraint=models.UniqueConstraint(
                fields=("day", "cohort", "stream"),
                name="daily_intake_one_per_day_cohort_stream",
            ),
        ),
    ]
