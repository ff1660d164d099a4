"""Moving an application to another funding stream of its cohort: checked by
the stream's rules, under the cohort's lock, recorded with who and why."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import audit_as
from programs import eligibility
from programs.models import Cohort, FundingSource

from ..models import ACTIVE_STATUSES, Application, ApplicationStatus, StatusChange
from ..seats import count_seats, held_q
from ..selectors import situation_of
from . import figures
from .seats import lock_application, lock_cohort, settle
from .status import Actor

S = ApplicationStatus


def check_stream_choice(
    cohort: Cohort,
    stream_id: int,
    situation: eligibility.Situation,
    *,
    streams: list[FundingSource] | None = None,
) -> FundingSource:
    """The cohort's stream ``stream_id`` if the person may use it; else a
    ValidationError on ``stream``: the cohort offers no such stream, or why
    the person may not use it and which of the cohort's streams fits instead.

    ``streams``: the cohort's streams (eligibility.cohort_streams), when the
    caller has them already."""
    if streams is None:
        streams = eligibility.cohort_streams(cohort)
    chosen = next((s for s in streams if s.pk == stream_id), None)
    if chosen is None:
        raise ValidationError(
            {
                "stream": ValidationError(
                    _("This group offers no seats on that stream."),
                    code="no_such_stream",
                )
            }
        )
    verdicts = eligibility.check_cohort(cohort, situation, streams)
    verdict = next(v for v in verdicts if v.stream == chosen)
    if not verdict.eligible:
        raise ValidationError(
            {
                "stream": ValidationError(
                    eligibility.ineligible_message(verdict, verdicts),
                    code="not_eligible",
                )
            }
        )
    return chosen


def change_stream(
    *, application: Application, stream: FundingSource, actor: Actor, reason: str
) -> Application:
    """Move an active application to ``stream`` (one its cohort offers).

    Refused (ValidationError on ``stream``) when the applicant may not use
    the stream (saying why), and, for an application holding a seat, when the
    stream has no seat free for them. The seat left behind goes at once to
    the next person waiting. Recorded in the status history and the audit.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")}, code="reason")
    with transaction.atomic(durable=True):
        cohort = lock_cohort(application.cohort_id)
        application = lock_application(application.pk)
        if application.status not in ACTIVE_STATUSES:
            raise ValidationError(
                _("The stream of a closed application cannot be changed."),
                code="closed",
            )
        if stream.pk == application.stream_id:
            return application
        check_stream_choice(cohort, stream.pk, situation_of(application.applicant))
        now = timezone.now()
        holds_seat = Application.objects.filter(pk=application.pk).filter(held_q(now))
        if holds_seat.exists() and not count_seats(cohort, now=now).can_take(
            stream.pk, application.employer_inn
        ):
            message = _(
                "The stream “%(stream)s” has no free seat for this applicant."
            ) % {"stream": stream.name}
            raise ValidationError(
                {"stream": ValidationError(message, code="no_free_seats")}
            )
        previous = application.stream
        application.stream = stream
        audit_as(application, actor.user, reason)
        application.save(update_fields=["stream"])
        figures.count_stream_change(application, previous.pk)
        StatusChange.objects.create(
            application=application,
            from_status=application.status,
            to_status=application.status,
            actor_kind=actor.kind,
            actor=actor.user,
            comment=str(
                _("Moved from the stream “%(from)s” to “%(to)s”: %(reason)s")
                % {"from": previous.name, "to": stream.name, "reason": reason.strip()}
            ),
            created_at=now,
        )
        settle(cohort, now=now)
    return application
