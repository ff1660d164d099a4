"""E-mail each responsible person the agreements expiring within 30, 60 and 90 days.

Run daily from cron; each agreement is reported once per threshold.
"""

from django.core.management.base import BaseCommand

from partners.services import notify_expiring_agreements


class Command(BaseCommand):
    help = "Send the digest of agreements expiring soon (safe to run daily)."

    def handle(self, *args, **options) -> None:
        sent = notify_expiring_agreements()
        self.stdout.write(f"Digests sent: {sent}")
