from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ("enrollment", "0012_fill_streams"),
    ]

    operations = [
        migrations.AlterField(
            model_name='application',
            name='stream',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='programs.fundingsource', verbose_name='funding stream'),
        ),
        migrations.AlterField(
            model_name='seatreservation',
            name='stream',
            field=models.ForeignKey(help_text='The stream whose seats are set aside.', on_delete=django.db.models.deletion.PROTECT, related_name='reservations', to='programs.fundingsource', verbose_name='funding stream'),
        ),
    ]
