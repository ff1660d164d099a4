"""Staff changes to a cohort that touch its seats: capacity, opening and
closing, cancelling. The cohort's fields with no rule (dates, venue, schedule)
are edited in the admin's form; these are not."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import audit_as
from programs.models import Cohort

from ..models import ACTIVE_STATUSES, ApplicationStatus
from ..seats import count_seats
from .seats import lock_cohort, settle
from .status import Actor, change_status

S = ApplicationStatus


def update_cohort(
    *,
    cohort: Cohort,
    actor: Actor,
    capacity: int | None = None,
    status: str | None = None,
    reason: str = "",
) -> Cohort:
    """Change a cohort's capacity, or open or close it to applications.

    Under the cohort's lock: a capacity never below the minimum size, nor
    below the seats held and kept for partners (ValidationError naming
    them); more seats are offered at once
    to the people waiting. Cancelling is ``cancel_cohort``, not this.
    """
    if status not in (None, Cohort.Status.OPEN, Cohort.Status.CLOSED):
        raise ValidationError(
            {"status": _("A group is cancelled by its own action, with a reason.")},
            code="status",
        )
    with transaction.atomic(durable=True):
        cohort = lock_cohort(cohort.pk)
        if cohort.status == Cohort.Status.CANCELLED:
            raise ValidationError(
                _("This group has been cancelled; it cannot be changed."),
                code="cancelled",
            )
        now = timezone.now()
        changed = []
        if capacity is not None and capacity != cohort.capacity:
            if capacity < max(cohort.min_size, 1):
                raise ValidationError(
                    {
                        "capacity": ValidationError(
                            _(
                                "The capacity cannot be less than the group's minimum "
                                "size, %(min)s."
                            )
                            % {"min": cohort.min_size},
                            code="capacity_below_minimum",
                        )
                    }
                )
            seats = count_seats(cohort, now=now)
            if capacity < seats.held + seats.reserved:
                message = _(
                    "The group cannot have fewer than %(least)s seats: %(held)s are "
                    "held by learners and offers, and %(reserved)s are kept for "
                    "partners."
                ) % {
                    "least": seats.held + seats.reserved,
                    "held": seats.held,
                    "reserved": seats.reserved,
                }
                raise ValidationError(
                    {"capacity": ValidationError(message, code="capacity_below_held")}
                )
            cohort.capacity = capacity
            changed.append("capacity")
        if status is not None and status != cohort.status:
            cohort.status = status
            changed.append("status")
        if changed:
            audit_as(cohort, actor.user, reason)
            cohort.save(update_fields=changed)
            settle(cohort, now=now)
    return cohort


def cancel_cohort(*, cohort: Cohort, actor: Actor, reason: str) -> Cohort:
    """Cancel a cohort: every active application is withdrawn with ``reason``
    (each applicant is e-mailed it), reserved seats are released.

    Refused (ValidationError) without a reason, and once anyone studies in the
    group: learners leave a started group by an expulsion order instead.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")}, code="reason")
    with transaction.atomic(durable=True):
        cohort = lock_cohort(cohort.pk)
        if cohort.status == Cohort.Status.CANCELLED:
            return cohort
        studying = cohort.applications.filter(status=S.STUDYING).count()
        if studying:
            raise ValidationError(
                _(
                    "%(count)s learners are already studying in this group; it cannot "
                    "be cancelled."
                )
                % {"count": studying},
                code="studying",
            )
        now = timezone.now()
        for application in (
            cohort.applications.select_for_update()
            .filter(status__in=ACTIVE_STATUSES)
            .order_by("pk")
        ):
            change_status(
                application,
                S.WITHDRAWN,
                actor=actor,
                comment=str(_("The group is cancelled: %(reason)s"))
                % {"reason": reason.strip()},
                now=now,
            )
        cohort.reservations.all().delete()
        cohort.status = Cohort.Status.CANCELLED
        audit_as(cohort, actor.user, reason)
        cohort.save(update_fields=["status"])
    return cohort
