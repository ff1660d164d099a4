"""E-mails to applicants, in the language they applied in (HTML and plain text).

The services call these inside their transactions: an e-mail is enqueued with
the change it tells about (core.mail) and a task worker sends it once that
change is committed. The e-mail about a new status is written by a task too
(send_status_email enqueues it, write_status_email writes it), so that a change
of status, applying above all, renders no template while it holds its locks.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import mail

if TYPE_CHECKING:
    from .models import Application

SUBJECTS = {
    "submitted": _("Your application has been received"),
    "offered": _("A seat is offered to you: please confirm"),
    "waitlisted": _("You are on the waiting list"),
    "enrolled": _("You are enrolled"),
    "rejected": _("Your application has been declined"),
    "withdrawn": _("Your application has been withdrawn"),
}


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_status_email(
    application: Application, status: str, *, comment: str = ""
) -> None:
    """Have the applicant (and a minor's representative) told about a new status.

    Called inside the transaction of the change: it enqueues a task (one row)
    that writes the e-mail (write_status_email) once the change is committed,
    so that no template is rendered while the change holds its locks. The
    deadline of an offer travels with the task: the e-mail gives the one set
    now, whatever happens to the offer before the worker runs.
    """
    from .tasks import send_status_email as write_later

    if status not in SUBJECTS:
        return
    deadline = application.offer_expires_at if status == "offered" else None
    write_later.enqueue(
        application_id=application.pk,
        status=status,
        comment=comment,
        key=f"status-{uuid.uuid4().hex}",
        offer_expires_at=deadline.isoformat() if deadline else None,
    )


def write_status_email(
    application_id: int,
    status: str,
    *,
    key: str,
    comment: str = "",
    offer_expires_at: str | None = None,
) -> str:
    """Write the e-mail about a new status and send it now, from the task that
    send_status_email enqueued (core.mail.deliver_email: once per ``key``, and
    tried again later if the mail server is away); return what happened.

    Sent at once, not enqueued again, so that it goes out in the order its
    change was made among the other e-mails waiting. Nothing is written for an
    application deleted or a person anonymised since the change.
    """
    from .models import Application

    application = (
        Application.objects.select_related(
            "applicant", "cohort", "cohort__program", "cohort__venue"
        )
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.applicant.anonymised_at is not None:
        return "nobody to write to"
    if offer_expires_at:
        application.offer_expires_at = datetime.datetime.fromisoformat(offer_expires_at)
    applicant = application.applicant
    with translation.override(application.language):
        context = {
            "status": status,
            "application": application,
            "applicant": applicant,
            "cohort": application.cohort,
            "program": application.cohort.program,
            "link": absolute_url(application.get_absolute_url()),
            "comment": comment,
            "COPP_NAME": settings.COPP_NAME,
            "COPP_PHONE": settings.COPP_PHONE,
        }
        template = "enrollment/email/status"
        return mail.deliver_email.call(
            key=key,
            subject=f"{SUBJECTS[status]} — {settings.COPP_SHORT_NAME}"[:300],
            text=render_to_string(f"{template}.txt", context),
            html=render_to_string(f"{template}.html", context),
            recipients=_recipients(applicant),
        )


def send_links(email: str, applications: Sequence) -> None:
    """Send the links of all of a person's applications to their e-mail."""
    if not applications:
        return
    language = applications[0].language
    with translation.override(language):
        context = {
            "items": [(a, absolute_url(a.get_absolute_url())) for a in applications],
            "COPP_NAME": settings.COPP_NAME,
        }
        _send(
            str(_("Links to your applications")),
            "enrollment/email/links",
            context,
            [email],
        )


def _send(
    subject: str,
    template: str,
    context: dict,
    recipients: list[str],
    *,
    key: str | None = None,
    attachments: Sequence[mail.Attachment] = (),
) -> str | None:
    """Enqueue the e-mail with the current transaction (core.mail): a worker
    sends it after the commit, or later if the mail server is away. With a
    ``key``, an e-mail already enqueued under it is not enqueued again (None)."""
    return mail.send_later(
        f"{subject} — {settings.COPP_SHORT_NAME}",
        render_to_string(f"{template}.txt", context),
        recipients,
        html=render_to_string(f"{template}.html", context),
        key=key,
        attachments=attachments,
    )


def send_document_rejected(document_id: int) -> None:
    """Ask the applicant for a new document, with the reason."""
    from .models import Document

    document = Document.objects.select_related(
        "application", "application__applicant", "application__cohort__program"
    ).get(pk=document_id)
    application = document.application
    with translation.override(application.language):
        context = {
            "applicant": application.applicant,
            "program": application.cohort.program,
            "cohort": application.cohort,
            "document": document,
            "link": absolute_url(application.get_absolute_url()),
            "COPP_NAME": settings.COPP_NAME,
            "COPP_PHONE": settings.COPP_PHONE,
        }
        _send(
            str(_("Please upload the document again")),
            "enrollment/email/document_rejected",
            context,
            _recipients(application.applicant),
        )


def send_message(application_id: int, subject: str, text: str) -> None:
    """A message written by staff."""
    from .models import Application

    application = Application.objects.select_related("applicant").get(pk=application_id)
    with translation.override(application.language):
        context = {
            "applicant": application.applicant,
            "text": text,
            "link": absolute_url(application.get_absolute_url()),
            "COPP_NAME": settings.COPP_NAME,
            "COPP_PHONE": settings.COPP_PHONE,
        }
        _send(
            subject,
            "enrollment/email/message",
            context,
            _recipients(application.applicant),
        )


def _recipients(applicant) -> list[str]:
    recipients = [applicant.email]
    if applicant.representative_email:
        recipients.append(applicant.representative_email)
    return recipients


REMINDER_SUBJECTS = {
    "offer_expiring": _("Your seat offer expires soon"),
    "documents_missing": _("Documents are missing from your application"),
    "group_starts": _("Your classes start tomorrow"),
}


def send_reminder(
    application_id: int,
    kind: str,
    *,
    key: str,
    missing: Sequence[dict] = (),
    attachments: Sequence[mail.Attachment] = (),
) -> bool:
    """Remind the applicant (and a minor's representative) of ``kind``; once
    per ``key``. True when the reminder was enqueued now."""
    from .models import Application

    application = Application.objects.select_related(
        "applicant", "cohort", "cohort__program", "cohort__venue"
    ).get(pk=application_id)
    with translation.override(application.language):
        context = {
            "kind": kind,
            "application": application,
            "applicant": application.applicant,
            "cohort": application.cohort,
            "program": application.cohort.program,
            "missing": missing,
            "link": absolute_url(application.get_absolute_url()),
            "COPP_NAME": settings.COPP_NAME,
            "COPP_PHONE": settings.COPP_PHONE,
        }
        return (
            _send(
                str(REMINDER_SUBJECTS[kind]),
                "enrollment/email/reminder",
                context,
                _recipients(application.applicant),
                key=key,
                attachments=attachments,
            )
            is not None
        )


def _send_about_contract(
    contract_id: int, subject: Any, template: str, *, key: str | None = None
) -> bool:
    """An e-mail about a contract to its applicant (and a minor's
    representative); once per ``key`` (by default, per step of the contract)."""
    from .models import Contract

    contract = Contract.objects.select_related("application__applicant").get(
        pk=contract_id
    )
    application = contract.application
    with translation.override(application.language):
        context = {
            "applicant": application.applicant,
            "contract": contract,
            "link": absolute_url(application.get_absolute_url()),
            "COPP_NAME": settings.COPP_NAME,
            "COPP_PHONE": settings.COPP_PHONE,
        }
        sent = _send(
            str(subject),
            template,
            context,
            _recipients(application.applicant),
            key=key
            or f"contract-{contract.pk}-{contract.state}-{contract.audit.count()}",
        )
    return sent is not None


def send_contract_ready(contract_id: int) -> None:
    """Tell the applicant their contract is ready to sign on their page."""
    _send_about_contract(
        contract_id,
        _("Your contract is ready to sign"),
        "enrollment/email/contract_ready",
    )


def send_contract_returned(contract_id: int) -> None:
    """Tell the applicant their signed copy was not accepted, and why."""
    _send_about_contract(
        contract_id,
        _("Please upload the signed contract again"),
        "enrollment/email/contract_returned",
    )


def send_payment_overdue(contract_id: int, *, key: str) -> bool:
    """Remind the customer of a payment past its date; once per ``key``."""
    return _send_about_contract(
        contract_id,
        _("A payment for your training is overdue"),
        "enrollment/email/payment_overdue",
        key=key,
    )
