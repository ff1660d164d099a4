"""Release seat offers past their deadline and offer the seats to the next people waiting.

Safe to run from cron every minute: it is idempotent, and each cohort is
settled under its own row lock, so two runs at once never double-release.
"""

from django.core.management.base import BaseCommand

from enrollment import services


class Command(BaseCommand):
    help = "Release expired seat offers and move the waiting lists."

    def handle(self, *args, **options) -> None:
        released = services.expire_offers()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Expired offers released: {released}")
