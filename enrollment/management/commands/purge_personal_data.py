"""Anonymise people whose purpose has ended (152-ФЗ): run daily from cron.

Those who withdrew the consent to processing and have nothing active left are
anonymised at once (the law gives 30 days); everyone else once every
application of theirs ended more than PERSONAL_DATA_RETENTION_DAYS ago. The
figures the reports need stay (enrollment.services.privacy says which).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from enrollment.services.privacy import due_for_anonymisation, purge_personal_data


class Command(BaseCommand):
    help = "Anonymise people whose purpose of processing has ended."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PERSONAL_DATA_RETENTION_DAYS,
            help="Keep data this many days after the last application ended.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many people are due."
        )

    def handle(self, *args, days: int, dry_run: bool, **options) -> None:
        today = timezone.localdate()
        if dry_run:
            withdrew, ended = due_for_anonymisation(today, days)
            self.stdout.write(
                f"Due: {len(withdrew)} (consent withdrawn), {len(ended)} (purpose ended)"
            )
            return
        result = purge_personal_data(today=today, retention_days=days)
        self.stdout.write(
            f"Anonymised: {result.consent_withdrawn} (consent withdrawn), "
            f"{result.purpose_ended} (purpose ended)"
        )
