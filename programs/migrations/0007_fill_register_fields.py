import re

from django.db import migrations

RANK = re.compile(r"^(?P<profession>.+?),\s*(?P<rank>[1-8])\s*разряд$")
PO_KINDS = ("po_training", "po_retraining", "po_upgrade")


def split_qualification(apps, schema_editor):
    """A vocational program's qualification «Профессия, 3 разряд» gives the
    register's profession and rank; staff check them in the program's form."""
    Program = apps.get_model("programs", "Program")
    for program in Program.objects.filter(kind__in=PO_KINDS, profession=""):
        if not program.qualification:
            continue
        match = RANK.match(program.qualification)
        if match:
            program.profession = match["profession"]
            program.qualification_rank = match["rank"]
        else:
            program.profession = program.qualification
        program.save(update_fields=["profession", "qualification_rank"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_register_fields"),
    ]

    operations = [
        migrations.RunPython(split_qualification, migrations.RunPython.noop),
    ]
