"""The report by e-mail: managers subscribe to it weekly or monthly; a daily
duty sends each subscriber the XLSX of the period just ended, once."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from core import mail
from core.models import EmailDelivery

from ..models import ReportSubscription
from .panels import build_report
from .period import ReportForm
from .xlsx import report_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_PERMISSION = "enrollment.view_reports"


def set_subscriptions(*, user: User, frequencies: list[str]) -> list[str]:
    """Make ``user``'s subscriptions exactly ``frequencies``; return them."""
    with transaction.atomic():
        ReportSubscription.objects.filter(user=user).exclude(
            frequency__in=frequencies
        ).delete()
        for frequency in frequencies:
            ReportSubscription.objects.get_or_create(user=user, frequency=frequency)
    return sorted(frequencies)


def last_period(
    frequency: str, today: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """The week (Monday to Sunday) or month just ended, if today starts the
    next one; None on any other day."""
    if frequency == ReportSubscription.Frequency.WEEKLY and today.weekday() == 0:
        return today - datetime.timedelta(days=7), today - datetime.timedelta(days=1)
    if frequency == ReportSubscription.Frequency.MONTHLY and today.day == 1:
        last = today - datetime.timedelta(days=1)
        return last.replace(day=1), last
    return None


def send_due_reports(*, today: datetime.date | None = None) -> int:
    """E-mail each subscriber whose period ended yesterday the report for it,
    once (an idempotency key per subscription and period). Return how many."""
    today = today or timezone.localdate()
    sent = 0
    subscriptions = ReportSubscription.objects.select_related("user").filter(
        user__is_active=True
    )
    for subscription in subscriptions:
        period = last_period(subscription.frequency, today)
        user = subscription.user
        if period is None or not user.email or not user.has_perm(REPORT_PERMISSION):
            continue
        first, last = period
        key = f"report:{subscription.pk}:{first:%Y%m%d}"
        if EmailDelivery.objects.filter(key=key).exists():
            continue
        with translation.override(settings.LANGUAGE_CODE):
            form = ReportForm(
                {"date_from": first.isoformat(), "date_to": last.isoformat()}
            )
            workbook = report_xlsx(
                build_report(form, today),
                about=form.description(today, timezone.now()),
            )
            context = {"first": first, "last": last, "COPP_NAME": settings.COPP_NAME}
            key_used = mail.send_later(
                gettext("The report for %(first)s – %(last)s")
                % {"first": f"{first:%d.%m.%Y}", "last": f"{last:%d.%m.%Y}"},
                render_to_string("reports/email/report.txt", context),
                [user.email],
                key=key,
                attachments=[
                    mail.Attachment(
                        filename=f"report-{first:%Y%m%d}-{last:%Y%m%d}.xlsx",
                        content=workbook,
                        mimetype=XLSX,
                    )
                ],
            )
        sent += key_used is not None
    return sent
