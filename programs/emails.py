"""E-mails to people who asked to hear when a group of a program opens, in
the language they asked in (HTML and plain text).

The services call these inside their transactions: the e-mail is enqueued
with the change it tells about (core.mail) and a task worker sends it once
that change is committed.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from core import mail

from .models import Cohort, ProgramSubscription


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _context(subscription: ProgramSubscription) -> dict:
    return {
        "program": subscription.program,
        "program_link": absolute_url(subscription.program.get_absolute_url()),
        "unsubscribe_link": absolute_url(subscription.get_unsubscribe_url()),
        "COPP_NAME": settings.COPP_NAME,
        "COPP_PHONE": settings.COPP_PHONE,
    }


def _send(
    subject: str,
    template: str,
    context: dict,
    recipient: str,
    *,
    key: str,
    headers: dict[str, str] | None = None,
) -> str | None:
    return mail.send_later(
        f"{subject} — {settings.COPP_SHORT_NAME}",
        render_to_string(f"programs/email/{template}.txt", context),
        [recipient],
        html=render_to_string(f"programs/email/{template}.html", context),
        key=key,
        headers=headers,
    )


def send_confirmation(subscription: ProgramSubscription) -> str | None:
    """Ask the address to confirm that it wants the notice (so that nobody
    is written to on someone else's word)."""
    with translation.override(subscription.language):
        context = _context(subscription)
        context["confirm_link"] = absolute_url(subscription.get_confirm_url())
        return _send(
            gettext("Confirm your address to hear when a group opens"),
            "notice_confirm",
            context,
            subscription.email,
            # One e-mail per request to confirm (the service spaces them out).
            key=f"program-notice-confirm:{subscription.pk}:"
            f"{subscription.confirmation_sent_at:%Y%m%d%H%M%S%f}",
        )


def send_opening(subscription: ProgramSubscription, cohort: Cohort) -> str | None:
    """Tell a subscriber that ``cohort`` takes applications: its dates, the
    last day to apply, where, and the link to apply; once per group."""
    with translation.override(subscription.language):
        context = _context(subscription)
        context["cohort"] = cohort
        context["apply_link"] = absolute_url(cohort.get_absolute_url())
        return _send(
            gettext("Applications are open: %(program)s")
            % {"program": subscription.program.title},
            "notice_opening",
            context,
            subscription.email,
            key=f"program-notice:{subscription.pk}:{cohort.pk}",
            # RFC 8058: the mail client's «Unsubscribe» posts to the link.
            headers={
                "List-Unsubscribe": f"<{context['unsubscribe_link']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
