"""E-mail: written in the transaction of the change it tells about, sent by a
task worker, never by a request.

``send_later()`` enqueues a ``deliver_email`` task in the current database
transaction: a change that rolls back takes its e-mail with it, a committed
one never loses it, and no request opens a connection to the mail server.
The worker sends it (EMAIL_TIMEOUT bounds every connection); a failure that
can pass (the mail server away, a timeout) is tried again after 1, 2, 4 …
minutes, at most MAX_ATTEMPTS times; after that the task fails, and the failed
task is what staff see in the back office. Each message has an idempotency
key: a task run twice sends it once (EmailDelivery).
"""

from __future__ import annotations

import base64
import datetime
import logging
import smtplib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from .models import EmailDelivery

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
KEY_HEADER = "X-COPP-Key"
MAX_PAUSE = datetime.timedelta(hours=1)
# Errors that may pass: the server is away, busy, or does not answer in time.
TRANSIENT = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def send_later(
    subject: str,
    text: str,
    recipients: list[str],
    *,
    html: str = "",
    key: str | None = None,
    attachments: Sequence[Attachment] = (),
    headers: dict[str, str] | None = None,
) -> str | None:
    """Enqueue an e-mail with the current transaction; return its key, or None
    when an e-mail with this ``key`` was enqueued before.

    ``headers`` are added to the message (``List-Unsubscribe``, say).

    ``key`` makes the e-mail idempotent across callers (a reminder for one
    event, say): a second e-mail with the same key is never enqueued, and a
    task run twice sends it once.
    """
    key = key or uuid.uuid4().hex
    if not EmailDelivery.objects.get_or_create(key=key)[1]:
        return None
    deliver_email.enqueue(
        key=key,
        subject=subject[:300],
        text=text,
        html=html,
        recipients=list(recipients),
        attachments=[
            {
                "filename": a.filename,
                "content": base64.b64encode(a.content).decode(),
                "mimetype": a.mimetype,
            }
            for a in attachments
        ],
        headers=dict(headers or {}),
    )
    return key


def pause_before(attempt: int) -> datetime.timedelta:
    """1, 2, 4, … minutes after the ``attempt``-th failure (EMAIL_RETRY_SECONDS
    the first time), at most an hour."""
    first = settings.EMAIL_RETRY_SECONDS
    return min(datetime.timedelta(seconds=first * 2 ** (attempt - 1)), MAX_PAUSE)


def lease() -> datetime.timedelta:
    """How long a claim on a key holds: longer than any one delivery can take
    (EMAIL_CLAIM_SECONDS; by default three times EMAIL_TIMEOUT and half a
    minute)."""
    return datetime.timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)


@task()
def deliver_email(
    *,
    key: str,
    subject: str,
    text: str,
    html: str,
    recipients: list[str],
    attachments: list[dict[str, str]] | None = None,
    attempt: int = 1,
    headers: dict[str, str] | None = None,
) -> str:
    """Send one e-mail unless it went already; on a failure that can pass,
    enqueue the next attempt. Return what happened."""
    now = timezone.now()
    EmailDelivery.objects.get_or_create(key=key)
    # Claim the key: one worker at a time, and never after it was sent.
    claimed = (
        EmailDelivery.objects.filter(key=key, sent_at__isnull=True)
        .exclude(claimed_at__gt=now - lease())
        .update(claimed_at=now)
    )
    if not claimed:
        delivery = EmailDelivery.objects.get(key=key)
        if delivery.sent_at is not None:
            return "already sent"
        # Another worker holds the claim: it is sending now, or it died while
        # sending. Look again when its claim lapses; never give up on it.
        deliver_email.using(run_after=(delivery.claimed_at or now) + lease()).enqueue(
            key=key,
            subject=subject,
            text=text,
            html=html,
            recipients=recipients,
            attachments=attachments,
            attempt=attempt,
            headers=headers,
        )
        return "claimed by another worker; looking again when the claim lapses"
    # The key travels in a header, so that a receiver can tell a repeat too.
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=recipients,
        headers={**(headers or {}), KEY_HEADER: key},
    )
    if html:
        message.attach_alternative(html, "text/html")
    for item in attachments or []:
        message.attach(
            item["filename"], base64.b64decode(item["content"]), item["mimetype"]
        )
    try:
        message.send()
    except TRANSIENT as error:
        EmailDelivery.objects.filter(key=key).update(claimed_at=None)
        if attempt >= MAX_ATTEMPTS:
            logger.error("Gave up sending %r after %s attempts", subject, attempt)
            raise
        pause = pause_before(attempt)
        logger.warning(
            "Could not send %r (%s: %s); trying again in %s",
            subject,
            type(error).__name__,
            error,
            pause,
        )
        deliver_email.using(run_after=timezone.now() + pause).enqueue(
            key=key,
            subject=subject,
            text=text,
            html=html,
            recipients=recipients,
            attachments=attachments,
            attempt=attempt + 1,
            headers=headers,
        )
        return f"attempt {attempt} failed; retrying"
    EmailDelivery.objects.filter(key=key).update(sent_at=timezone.now())
    return "sent"


def forget_recipient(address: str) -> int:
    """Delete every e-mail to ``address``, waiting or sent (anonymising a
    person: e-mails hold names and links). Return how many."""
    from django_tasks_db.models import DBTaskResult

    address = address.lower()
    candidates = DBTaskResult.objects.filter(
        task_path=deliver_email.module_path,
        args_kwargs__kwargs__recipients__icontains=address,
    )
    doomed = [
        row.pk
        for row in candidates.only("pk", "args_kwargs")
        if address in (r.lower() for r in row.args_kwargs["kwargs"]["recipients"])
    ]
    return DBTaskResult.objects.filter(pk__in=doomed).delete()[0]
