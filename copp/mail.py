"""The e-mail outbox: queue in the transaction, deliver after the commit, retry.

``queue()`` stores the message with the change that causes it; after the
commit it goes out at once. If the mail server does not take it, the row
stays and ``deliver_pending()`` (``manage.py send_queued_emails``, cron every
minute) tries again later, waiting longer each time, up to MAX_ATTEMPTS.
Several servers may run it at once: each row is taken under SKIP LOCKED.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


def queue(
    subject: str, text: str, recipients: list[str], *, html: str = ""
) -> OutgoingEmail:
    """Store an e-mail with the current transaction; deliver it after the commit."""
    email = OutgoingEmail.objects.create(
        subject=subject[:300], body_text=text, body_html=html, recipients=recipients
    )
    transaction.on_commit(partial(deliver, email.pk))
    return email


def deliver(pk: int) -> bool:
    """Send one queued e-mail unless it went already; True when it is sent."""
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return False
        message = EmailMultiAlternatives(
            subject=email.subject, body=email.body_text, to=email.recipients
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        try:
            message.send()
        except Exception as error:
            # The change is committed; a mail outage must not undo or hide it.
            logger.exception("Could not send %r to %s", email.subject, email.recipients)
            email.attempts += 1
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            email.next_attempt_at = timezone.now() + datetime.timedelta(
                minutes=2**email.attempts
            )
            email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return False
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at"])
        return True


def deliver_pending(*, limit: int = 500) -> tuple[int, int]:
    """Try the e-mails that are due; delete sent ones past EMAIL_KEEP_DAYS.
    Return how many were sent and how many are still waiting."""
    due = OutgoingEmail.objects.filter(
        sent_at__isnull=True,
        next_attempt_at__lte=timezone.now(),
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True)[:limit]
    sent = sum(deliver(pk) for pk in list(due))
    keep = datetime.timedelta(days=settings.EMAIL_KEEP_DAYS)
    OutgoingEmail.objects.filter(sent_at__lt=timezone.now() - keep).delete()
    waiting = OutgoingEmail.objects.filter(sent_at__isnull=True).count()
    return sent, waiting


def forget_recipient(address: str) -> int:
    """Delete every queued or sent e-mail to ``address`` (anonymising a person)."""
    rows = [
        email.pk
        for email in OutgoingEmail.objects.filter(recipients__icontains=address)
        if address.lower() in (r.lower() for r in email.recipients)
    ]
    return OutgoingEmail.objects.filter(pk__in=rows).delete()[0]
