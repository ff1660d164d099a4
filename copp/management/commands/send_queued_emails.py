"""Send the e-mails that could not go out at once (cron: every minute).

Safe on several servers at once; sent e-mails older than EMAIL_KEEP_DAYS are
deleted, since they hold applicants' links.
"""

from django.core.management.base import BaseCommand

from copp.mail import deliver_pending


class Command(BaseCommand):
    help = "Send queued e-mails and delete old sent ones."

    def handle(self, *args, **options) -> None:
        sent, waiting = deliver_pending()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Sent: {sent}; still waiting: {waiting}")
