"""The applicant's and the staff's steps of an application, each in its own
transaction under the cohort's lock, the queue settled after each."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import TRANSITIONS, Application, ApplicationStatus
from .seats import lock_application, lock_cohort, offer_or_waitlist, settle
from .status import Actor, change_status

S = ApplicationStatus


# --- The applicant's steps ---------------------------------------------------------


def decline_offer(*, application: Application) -> Application:
    """Decline a seat offer; the seat goes to the next person waiting."""
    return withdraw_application(
        application=application,
        actor=Actor.applicant(),
        comment=str(_("The applicant declined the offer.")),
    )


def withdraw_application(
    *, application: Application, actor: Actor, comment: str = ""
) -> Application:
    """Withdraw an application; a seat it held goes to the next person waiting."""
    return _transition_and_settle(
        application, S.WITHDRAWN, actor=actor, comment=comment
    )


# --- Staff steps --------------------------------------------------------------------


def take_into_review(*, application: Application, actor: Actor) -> Application:
    """Mark a submitted application as being reviewed by staff."""
    return _transition_and_settle(application, S.IN_REVIEW, actor=actor)


def accept_application(*, application: Application, actor: Actor) -> Application:
    """Accept an application: offer a free seat, or put it on the waiting list.

    Raises ValidationError if the application is not awaiting a decision.
    """
    with transaction.atomic(durable=True):
        cohort = lock_cohort(application.cohort_id)
        application = lock_application(application.pk)
        if application.status not in (S.SUBMITTED, S.IN_REVIEW):
            raise ValidationError(
                _("Only a submitted or reviewed application can be accepted."),
                code="transition",
            )
        application.cohort = cohort
        offer_or_waitlist(application, actor=actor, now=timezone.now())
    return application


def reject_application(
    *, application: Application, actor: Actor, reason: str
) -> Application:
    """Reject an application with a reason the applicant will read."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")}, code="reason")
    return _transition_and_settle(application, S.REJECTED, actor=actor, comment=reason)


def return_to_waitlist(*, application: Application, actor: Actor) -> Application:
    """Take back an offer and put the application at its place in the queue."""
    return _transition_and_settle(application, S.WAITLISTED, actor=actor)


def enrol(*, application: Application, actor: Actor) -> Application:
    """Enrol a person holding a live offer. СНИЛС is required by now."""
    with transaction.atomic(durable=True):
        cohort = lock_cohort(application.cohort_id)
        application = lock_application(application.pk)
        if S.ENROLLED not in TRANSITIONS[application.status]:
            raise ValidationError(
                _("Only a person holding a seat offer can be enrolled."),
                code="transition",
            )
        if not application.applicant.snils:
            raise ValidationError(
                _("СНИЛС is required for enrolment."), code="snils_required"
            )
        now = timezone.now()
        if application.offer_has_expired(now):
            settle(cohort, now=now)
            raise ValidationError(_("The offer has expired."), code="offer_closed")
        change_status(application, S.ENROLLED, actor=actor, now=now)
    return application


def start_studies(*, application: Application, actor: Actor) -> Application:
    """Mark an enrolled learner as studying (the group has started)."""
    return _transition_and_settle(application, S.STUDYING, actor=actor)


def _transition_and_settle(
    application: Application, to_status: str, *, actor: Actor, comment: str = ""
) -> Application:
    with transaction.atomic(durable=True):
        cohort = lock_cohort(application.cohort_id)
        application = lock_application(application.pk)
        now = timezone.now()
        if to_status == S.WITHDRAWN and application.offer_has_expired(now):
            # Looked at after its deadline: the offer has already lapsed.
            settle(cohort, now=now)
            application.refresh_from_db()
            if application.status == S.WITHDRAWN:
                return application
        change_status(application, to_status, actor=actor, comment=comment, now=now)
        settle(cohort, now=now)
    return application
