"""One step of an application's status: who takes it, whether it is allowed,
and the record it leaves (the row, the funnel figures, the history, the
e-mail). The caller holds the locks (enrollment.services.seats)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import emails
from ..models import (
    TRANSITIONS,
    Application,
    ApplicationStatus,
    StatusChange,
    stages_reached,
)
from . import figures

S = ApplicationStatus


@dataclass(frozen=True)
class Actor:
    """Who takes a step: the applicant (through their secret link), the
    system (a clock, a freed seat) or a member of staff."""

    kind: str
    user: User | None = None

    @classmethod
    def applicant(cls) -> Actor:
        return cls(StatusChange.ActorKind.APPLICANT)

    @classmethod
    def system(cls) -> Actor:
        return cls(StatusChange.ActorKind.SYSTEM)

    @classmethod
    def staff(cls, user: User) -> Actor:
        return cls(StatusChange.ActorKind.STAFF, user)

    def staff_user(self) -> User:
        """The member of staff acting, for the records that must name one."""
        if self.user is None:
            raise ValueError("This step needs a member of staff.")
        return self.user


def change_status(
    application: Application,
    to_status: str,
    *,
    actor: Actor,
    comment: str = "",
    now: datetime.datetime | None = None,
) -> None:
    """Apply one allowed transition, record it, and e-mail the person.

    The caller holds the cohort lock and the application row. Raises
    ValidationError for a transition the table does not allow.
    """
    if to_status not in TRANSITIONS[application.status]:
        raise ValidationError(
            _("An application cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(application.status).label, "to": S(to_status).label},
            code="transition",
        )
    now = now or timezone.now()
    from_status = application.status
    application.status = to_status
    application.status_changed_at = now
    update = ["status", "status_changed_at"]
    new_stages = [
        flag
        for flag, reached in stages_reached([to_status]).items()
        if reached and not getattr(application, flag)
    ]
    for flag in new_stages:
        setattr(application, flag, True)
    update += new_stages
    if to_status == S.OFFERED:
        application.offer_expires_at = now + datetime.timedelta(
            hours=settings.OFFER_VALID_HOURS
        )
        application.offer_accepted_at = None
        update += ["offer_expires_at", "offer_accepted_at"]
    elif from_status == S.OFFERED and to_status != S.ENROLLED:
        application.offer_expires_at = None
        application.offer_accepted_at = None
        update += ["offer_expires_at", "offer_accepted_at"]
    application.save(update_fields=update)
    figures.count_stages(application, new_stages)
    StatusChange.objects.create(
        application=application,
        from_status=from_status,
        to_status=to_status,
        actor_kind=actor.kind,
        actor=actor.user,
        comment=comment,
        created_at=now,
    )
    emails.send_status_email(application, to_status, comment=comment)
