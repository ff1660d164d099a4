"""Who an order may list, and what keeps a person out of it.

Some reasons are hard: an order cannot list a person without a seat offer, a
learner of another status, someone without СНИЛС (every issued document is
reported with it), or be dated outside the group's dates. The others are the
checklist's (papers not checked, the offer not answered, the contract not
signed or not paid): staff may list the person anyway with a reason, which
the order keeps and the person's history shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext

from ..models import Application, ApplicationStatus, ContractState, Order
from ..selectors import document_checklist, payment_status

S = ApplicationStatus
# Who an order of each kind may list.
CANDIDATES: dict[str, tuple[str, ...]] = {
    Order.Kind.ENROLMENT: (S.OFFERED,),
    Order.Kind.EXPULSION: (S.ENROLLED, S.STUDYING),
    Order.Kind.COMPLETION: (S.STUDYING,),
}


@dataclass
class Readiness:
    """What keeps a person out of an order: ``hard`` reasons no one may
    override, ``soft`` ones staff may, with a reason."""

    hard: list[str] = field(default_factory=list)
    soft: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[str]:
        return [*self.hard, *self.soft]


def readiness(
    order_kind: str, application: Application, *, on: datetime.date
) -> Readiness:
    """Why ``application`` cannot be listed in an order of ``order_kind``
    dated ``on``, hard and soft; both empty when it can."""
    result = Readiness()
    if order_kind == Order.Kind.EXPULSION:
        if application.status not in CANDIDATES[order_kind]:
            result.hard.append(gettext("not a learner of the group"))
        return result
    if order_kind == Order.Kind.COMPLETION:
        if application.status != S.STUDYING:
            result.hard.append(gettext("not studying in the group"))
        if on < application.cohort.starts_on:
            result.hard.append(gettext("the order is dated before the group starts"))
    else:
        if application.status != S.OFFERED or application.offer_has_expired():
            result.hard.append(gettext("holds no seat offer"))
        elif application.offer_accepted_at is None:
            result.soft.append(gettext("has not accepted the offer"))
        if on > application.cohort.starts_on:
            result.hard.append(gettext("the order is dated after the group starts"))
        missing = [
            item.label
            for item in document_checklist(application)
            if item.required and item.state != "verified"
        ]
        if missing:
            result.soft.append(
                gettext("documents not checked: %(kinds)s")
                % {"kinds": ", ".join(missing)}
            )
    if not application.applicant.snils:
        result.hard.append(gettext("no СНИЛС"))
    if application.stream.requires_contract:
        contract = next(
            (
                c
                for c in application.contracts.all()
                if c.state == ContractState.CHECKED
            ),
            None,
        )
        if contract is None:
            result.soft.append(gettext("no signed contract checked by staff"))
        elif order_kind == Order.Kind.COMPLETION:
            if payment_status(contract, on).state not in ("paid", "free"):
                result.soft.append(gettext("the contract is not paid in full"))
        elif payment_status(contract, on).state == "overdue":
            result.soft.append(gettext("a payment under the contract is overdue"))
    return result


def not_ready(
    order_kind: str, application: Application, *, on: datetime.date
) -> list[str]:
    """Every reason ``application`` cannot be listed in an order of
    ``order_kind`` dated ``on`` without a word from staff; empty when it can."""
    return readiness(order_kind, application, on=on).all
