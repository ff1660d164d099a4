"""The statuses of an application, the steps allowed between them, and the
stages of the intake funnel they mark."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

ADULT_AGE = 18


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Seat offered")
    ENROLLED = "enrolled", _("Enrolled")
    STUDYING = "studying", _("Studying")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPELLED = "expelled", _("Expelled")


S = ApplicationStatus
# A person may hold one application in these statuses per cohort.
ACTIVE_STATUSES = (
    S.SUBMITTED,
    S.IN_REVIEW,
    S.WAITLISTED,
    S.OFFERED,
    S.ENROLLED,
    S.STUDYING,
)
# These hold a seat (an offer only until it expires, unless it was accepted).
SEAT_STATUSES = (S.OFFERED, S.ENROLLED, S.STUDYING)

# Every allowed change of status; anything else is refused by the services.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset(
        {S.IN_REVIEW, S.OFFERED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}
    ),
    S.IN_REVIEW: frozenset({S.OFFERED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}),
    S.WAITLISTED: frozenset({S.OFFERED, S.REJECTED, S.WITHDRAWN}),
    S.OFFERED: frozenset({S.ENROLLED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}),
    S.ENROLLED: frozenset({S.STUDYING, S.WITHDRAWN, S.EXPELLED}),
    S.STUDYING: frozenset({S.COMPLETED, S.EXPELLED}),
    S.COMPLETED: frozenset(),
    S.REJECTED: frozenset({S.IN_REVIEW}),
    S.WITHDRAWN: frozenset(),
    S.EXPELLED: frozenset(),
}


# The stages of the intake funnel, and the statuses that mean a stage was reached.
FUNNEL_STAGES: dict[str, tuple[str, ...]] = {
    "reached_review": (S.IN_REVIEW, S.WAITLISTED, S.OFFERED, S.REJECTED, S.ENROLLED),
    "reached_offer": (S.OFFERED,),
    "reached_enrolment": (S.ENROLLED,),
    "reached_completion": (S.COMPLETED,),
}


# The counter of DailyIntake that each funnel flag adds to.
STAGE_COUNTERS: dict[str, str] = {
    "reached_review": "reviewed",
    "reached_offer": "offered",
    "reached_enrolment": "enrolled",
    "reached_completion": "completed",
}
FUNNEL_COUNTERS = ("submitted", *STAGE_COUNTERS.values())


def stages_reached(statuses) -> dict[str, bool]:
    """The funnel flags of an application that has been through ``statuses``."""
    seen = set(statuses)
    return {
        flag: bool(seen.intersection(stage)) for flag, stage in FUNNEL_STAGES.items()
    }
