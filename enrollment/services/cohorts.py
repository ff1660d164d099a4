"""Staff changes to a cohort that touch its seats: seats by stream (the
capacity is their sum), opening and closing, cancelling. The cohort's fields
with no rule (dates, venue, schedule) are edited in the admin's form; these
are not."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import audit_as
from programs.models import Cohort, CohortQuota, FundingSource

from ..models import ACTIVE_STATUSES, ApplicationStatus
from ..seats import count_seats
from .seats import lock_cohort, settle
from .status import Actor, change_status

S = ApplicationStatus


def quota_field(stream_id: int) -> str:
    """The name under which a stream's seats are given and refused."""
    return f"stream_{stream_id}"


def start_quota(*, cohort: Cohort, stream: FundingSource) -> CohortQuota:
    """A new cohort's seats, all on ``stream``, written in the transaction
    that creates the cohort (the back office's add page); later changes go
    through ``update_cohort``."""
    if cohort.quotas.exists():
        raise ValidationError(
            _("This group already has its seats by stream."), code="has_quotas"
        )
    return CohortQuota.objects.create(
        cohort=cohort, stream=stream, seats=cohort.capacity
    )


def update_cohort(
    *,
    cohort: Cohort,
    actor: Actor,
    capacity: int | None = None,
    quotas: Mapping[int, int] | None = None,
    status: str | None = None,
    reason: str = "",
) -> Cohort:
    """Change a cohort's seats by stream, or open or close it to applications.

    ``quotas`` maps every stream the cohort is to offer (its id) to its seats;
    a stream left out or given 0 seats is removed. ``capacity`` is the short
    form for a cohort with one stream. Under the cohort's lock: no stream
    below the seats held and kept for partners on it, no stream removed while
    applications are active on it or seats are reserved on it, and the
    capacity (the sum) never below the minimum size: each refusal a
    ValidationError naming the stream's field (``quota_field``). More seats
    are offered at once to the people waiting. Cancelling is
    ``cancel_cohort``, not this.
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
        current = {q.stream_id: q for q in cohort.quotas.select_related("stream")}
        if capacity is not None and quotas is None and capacity != cohort.capacity:
            if len(current) > 1:
                raise ValidationError(
                    {
                        "capacity": _(
                            "This group offers seats on several streams: change the "
                            "seats of each stream."
                        )
                    },
                    code="several_streams",
                )
            quotas = dict.fromkeys(current, capacity)
        wanted = {k: v for k, v in (quotas or {}).items() if v > 0}
        if quotas is not None and (wanted != {k: q.seats for k, q in current.items()}):
            _check_quotas(cohort, current, wanted, now=now)
            for stream_id, quota in current.items():
                if stream_id not in wanted:
                    quota.delete()
            for stream_id, seats in wanted.items():
                CohortQuota.objects.update_or_create(
                    cohort=cohort, stream_id=stream_id, defaults={"seats": seats}
                )
            cohort.capacity = sum(wanted.values())
            changed.append("capacity")
        if status is not None and status != cohort.status:
            cohort.status = status
            changed.append("status")
        if changed:
            audit_as(cohort, actor.user, reason)
            cohort.save(update_fields=changed)
            settle(cohort, now=now)
    return cohort


def _check_quotas(
    cohort: Cohort,
    current: dict[int, CohortQuota],
    wanted: dict[int, int],
    *,
    now: datetime.datetime,
) -> None:
    errors: dict[str, list[ValidationError]] = {}
    total = sum(wanted.values())
    if total < max(cohort.min_size, 1):
        errors["capacity"] = [
            ValidationError(
                _("The capacity cannot be less than the group's minimum size, %(min)s.")
                % {"min": cohort.min_size},
                code="capacity_below_minimum",
            )
        ]
    seats = count_seats(cohort, now=now)
    names = dict(FundingSource.objects.values_list("pk", "name"))
    active = dict(
        cohort.applications.filter(status__in=ACTIVE_STATUSES)
        .values("stream")
        .annotate(n=Count("pk"))
        .values_list("stream", "n")
    )
    reserved_on = set(cohort.reservations.values_list("stream_id", flat=True))
    for stream_id in current.keys() - wanted.keys():
        field = quota_field(stream_id)
        if active.get(stream_id):
            errors.setdefault(field, []).append(
                ValidationError(
                    _(
                        "%(count)s active applications are on the stream “%(stream)s”: "
                        "move them to another stream before removing it."
                    )
                    % {"count": active[stream_id], "stream": names[stream_id]},
                    code="stream_in_use",
                )
            )
        elif stream_id in reserved_on:
            errors.setdefault(field, []).append(
                ValidationError(
                    _(
                        "Seats on the stream “%(stream)s” are reserved for a "
                        "partner's employees: cancel the reservation first."
                    )
                    % {"stream": names[stream_id]},
                    code="stream_reserved",
                )
            )
    for stream_id, wanted_seats in wanted.items():
        on = seats.on(stream_id)
        if wanted_seats < on.held + on.reserved:
            message = _(
                "The stream “%(stream)s” cannot have fewer than %(least)s seats: "
                "%(held)s are held by learners and offers, and %(reserved)s are "
                "kept for partners."
            ) % {
                "stream": names.get(stream_id, stream_id),
                "least": on.held + on.reserved,
                "held": on.held,
                "reserved": on.reserved,
            }
            field = quota_field(stream_id) if len(wanted) > 1 else "capacity"
            errors.setdefault(field, []).append(
                ValidationError(message, code="capacity_below_held")
            )
    if errors:
        raise ValidationError(errors)


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
