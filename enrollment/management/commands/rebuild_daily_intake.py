"""Recount the report's daily intake figures from the applications.

The services keep these figures with every change; this is for after data were
changed outside them (a bulk load, a restore, a hand-made fix). With ``--check``
nothing is written: the command says whether the figures agree and exits with
status 1 if they do not.
"""

from django.core.management.base import BaseCommand, CommandError

from enrollment.services.figures import daily_intake_agrees, rebuild_daily_intake


class Command(BaseCommand):
    help = "Recount the report's daily intake figures from the applications."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare the kept figures with a recount.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        if check:
            if not daily_intake_agrees():
                msg = "The daily intake figures differ from the applications."
                raise CommandError(msg, returncode=1)
            self.stdout.write("The daily intake figures agree with the applications.")
            return
        rows = rebuild_daily_intake()
        self.stdout.write(f"Daily intake rows: {rows}")
