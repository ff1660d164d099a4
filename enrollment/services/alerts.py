"""Alerts to staff: groups about to start below their minimum size."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core import mail

from ..selectors import cohorts_at_risk, intake_staff_emails


def notify_cohorts_at_risk(*, today: datetime.date | None = None) -> int:
    """E-mail intake staff about each group at risk, once per group (a group
    that recovers and falls again is not reported twice). Return how many."""
    today = today or timezone.localdate()
    recipients = intake_staff_emails()
    if not recipients:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for cohort in cohorts_at_risk(today=today):
            context = {
                "cohort": cohort,
                "link": settings.SITE_URL.rstrip("/")
                + reverse("admin:programs_cohort_change", args=[cohort.pk]),
                "COPP_NAME": settings.COPP_NAME,
            }
            key = mail.send_later(
                gettext("Group %(code)s is at risk") % {"code": cohort.code},
                render_to_string("enrollment/email/cohort_at_risk.txt", context),
                recipients,
                key=f"at-risk:{cohort.pk}",
            )
            sent += key is not None
    return sent
