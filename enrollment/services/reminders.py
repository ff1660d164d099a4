"""Reminders: an offer about to expire, documents still missing a few days
after applying, classes starting tomorrow (with a calendar file), a payment
past its date. Each goes once per event, to the applicant and a minor's
representative; each kind can be turned off (settings.REMINDERS)."""

from __future__ import annotations

import datetime
from collections import Counter

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from icalendar import Calendar, Event

from core.mail import Attachment

from .. import emails
from ..models import ACTIVE_STATUSES, Application, ApplicationStatus, Document
from ..selectors import document_checklist
from .payments import remind_overdue_payments

S = ApplicationStatus
# How far back a missing document is still worth a reminder.
DOCUMENTS_LOOK_BACK = datetime.timedelta(days=30)


def send_due_reminders(*, now: datetime.datetime | None = None) -> Counter[str]:
    """Enqueue every reminder that is due at ``now`` and not sent before;
    return how many of each kind. Safe to run as often as wanted."""
    now = now or timezone.now()
    sent: Counter[str] = Counter()
    if settings.REMINDERS["offer_expiring"]:
        sent["offer_expiring"] = _offers_expiring(now)
    if settings.REMINDERS["documents_missing"]:
        sent["documents_missing"] = _documents_missing(now)
    if settings.REMINDERS["group_starts"]:
        sent["group_starts"] = _groups_starting(now)
    if settings.REMINDERS["payment_overdue"]:
        sent["payment_overdue"] = remind_overdue_payments(today=timezone.localdate(now))
    return sent


def _offers_expiring(now: datetime.datetime) -> int:
    soon = now + datetime.timedelta(hours=settings.REMIND_OFFER_HOURS)
    offers = Application.objects.filter(
        status=S.OFFERED,
        offer_accepted_at__isnull=True,
        offer_expires_at__gt=now,
        offer_expires_at__lte=soon,
    )
    return sum(
        emails.send_reminder(
            pk,
            "offer_expiring",
            # One per offer: a new offer after a return to the queue is another.
            key=f"reminder:offer:{pk}:{expires:%Y%m%d%H%M}",
        )
        for pk, expires in offers.values_list("pk", "offer_expires_at")
    )


def _documents_missing(now: datetime.datetime) -> int:
    due = now - datetime.timedelta(days=settings.REMIND_DOCUMENTS_AFTER_DAYS)
    candidates = (
        Application.objects.filter(
            status__in=ACTIVE_STATUSES,
            submitted_at__lte=due,
            submitted_at__gt=due - DOCUMENTS_LOOK_BACK,
        )
        .exclude(status__in=(S.ENROLLED, S.STUDYING))
        .select_related("cohort__program")
        .prefetch_related("documents")
    )
    sent = 0
    for application in candidates:
        missing = [
            {
                "label": item.label,
                "rejected": bool(item.documents),
                "reason": next(
                    (
                        d.rejection_reason
                        for d in item.documents
                        if d.status == Document.Status.REJECTED
                    ),
                    "",
                ),
            }
            for item in document_checklist(application)
            if item.is_missing
        ]
        if missing:
            sent += emails.send_reminder(
                application.pk,
                "documents_missing",
                key=f"reminder:documents:{application.pk}",
                missing=missing,
            )
    return sent


def _groups_starting(now: datetime.datetime) -> int:
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    learners = Application.objects.filter(cohort__starts_on=tomorrow).filter(
        Q(status__in=(S.ENROLLED, S.STUDYING))
        | Q(status=S.OFFERED, offer_accepted_at__isnull=False)
    )
    sent = 0
    for application in learners.select_related(
        "cohort", "cohort__program", "cohort__venue"
    ):
        with translation.override(application.language):
            invitation = calendar_file(application)
        sent += emails.send_reminder(
            application.pk,
            "group_starts",
            key=f"reminder:start:{application.pk}:{tomorrow:%Y%m%d}",
            attachments=[invitation],
        )
    return sent


def calendar_file(application: Application) -> Attachment:
    """The first day of classes as an iCalendar event (an all-day event: the
    schedule's hours are text, shown in the description)."""
    cohort = application.cohort
    venue = cohort.venue
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.COPP_SHORT_NAME}//copp//RU")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"cohort-{cohort.pk}-application-{application.pk}@copp")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", cohort.starts_on)
    event.add("dtend", cohort.starts_on + datetime.timedelta(days=1))
    event.add("summary", f"{cohort.program.title} ({cohort.code})")
    event.add("location", f"{venue.name}, {venue.address}")
    event.add("description", cohort.schedule)
    calendar.add_component(event)
    return Attachment(
        filename=f"{cohort.code}.ics",
        content=calendar.to_ical(),
        mimetype="text/calendar",
    )
