"""On PostgreSQL: trigram indexes so that the admin's substring search over
applicants (ФИО, e-mail, phone, СНИЛС) stays fast at 100,000+ rows.

The admin searches with ``UPPER(column::text) LIKE UPPER('%…%')``; each index is
on exactly that expression.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ["last_name", "first_name", "patronymic", "email", "phone", "snils"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS enrollment_applicant_{column}_trgm "
            f"ON enrollment_applicant USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS enrollment_applicant_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0003_back_office")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
