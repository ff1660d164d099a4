"""The customer's details the applicant gives for their contract, and the
contracts of a whole group prepared (and sent) in the background.

A group's batch prepares a contract for everyone who needs one and has none,
each in its own transaction, so one person's missing details never stop the
others; the report says, for each person, the contract's number or why not.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import (
    LIVE_CONTRACT_STATES,
    Application,
    ContractBatch,
    ContractKind,
    CustomerDetails,
)
from .contract_terms import (
    CONTRACT_STATUSES,
    Party,
    check_party,
    contract_kind,
    default_party,
)
from .contracts import prepare_contract, send_contract
from .seats import lock_application
from .status import Actor

# What the applicant gives on their page for each kind of contract; the names
# come from the application. An employer's details are staff's to enter.
APPLICANT_FIELDS: dict[str, tuple[str, ...]] = {
    ContractKind.ADULT: ("identity_document", "address"),
    ContractKind.REPRESENTATIVE: (
        "sex",
        "identity_document",
        "address",
        "learner_address",
    ),
    ContractKind.MATERNITY: (
        "sex",
        "identity_document",
        "address",
        "learner_address",
        "maternity_certificate",
    ),
}


# The customer's details by name, for the batch's report.
DETAIL_LABELS = {
    "last_name": _("last name"),
    "first_name": _("first name"),
    "sex": _("sex"),
    "identity_document": _("identity document"),
    "address": _("address"),
    "learner_address": _("the learner's address"),
    "maternity_certificate": _("maternity capital certificate"),
    "organisation": _("organisation"),
    "inn": _("ИНН"),
    "kpp": _("КПП"),
    "ogrn": _("ОГРН"),
    "signatory_position_genitive": _("signatory's position"),
    "signatory_authority": _("signatory's authority"),
}


def _why_not(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return gettext("customer's details missing or wrong: %(fields)s") % {
            "fields": "; ".join(str(DETAIL_LABELS.get(f, f)) for f in error.error_dict)
        }
    return " ".join(error.messages)


def details_wanted(application: Application) -> tuple[str, ...]:
    """The fields the applicant may give for their contract now; none when the
    stream needs no contract, the employer signs, or it is too late."""
    if (
        not application.stream.requires_contract
        or application.status not in CONTRACT_STATUSES
    ):
        return ()
    return APPLICANT_FIELDS.get(contract_kind(application), ())


def party_for(application: Application) -> Party:
    """The customer as far as the portal knows them: the names from the
    application, the rest from what the applicant gave."""
    party = default_party(application)
    given = CustomerDetails.objects.filter(application=application).first()
    if given is None:
        return party
    known = Party.from_mapping(given.party)
    return dataclasses.replace(
        party,
        **{k: v for k, v in known.__dict__.items() if k in given.party and v},
    )


def give_customer_details(*, application: Application, party: Party) -> Party:
    """Keep what the applicant gave for their contract (the fields of
    ``details_wanted``), replacing what they gave before.

    Raises ValidationError, by field, for what the contract needs and is
    missing or wrong, or when the application takes no such details now.
    """
    with transaction.atomic(durable=True):
        application = lock_application(application.pk)
        wanted = details_wanted(application)
        if not wanted:
            raise ValidationError(
                _("This application takes no details for a contract now."),
                code="not_wanted",
            )
        given = {name: getattr(party, name) for name in wanted}
        merged = dataclasses.replace(default_party(application), **given)
        check_party(contract_kind(application), merged)
        CustomerDetails.objects.update_or_create(
            application=application,
            defaults={"party": given, "given_at": timezone.now()},
        )
    return merged


def contract_candidates(cohort_id: int) -> list[Application]:
    """The group's applications that need a contract and have none."""
    return list(
        Application.objects.filter(
            cohort_id=cohort_id,
            status__in=CONTRACT_STATUSES,
            stream__requires_contract=True,
        )
        .exclude(contracts__state__in=LIVE_CONTRACT_STATES)
        .select_related("applicant", "stream", "cohort__program")
        .order_by("applicant__last_name", "applicant__first_name", "pk")
    )


def request_contract_batch(
    *, cohort_id: int, actor: Actor, send: bool
) -> ContractBatch:
    """Queue the preparation of the group's contracts (sent as well when
    ``send``): the task is written in the same transaction as the batch.

    Raises ValidationError when nobody needs a contract or a batch of this
    group is already queued or running.
    """
    from ..tasks import prepare_group_contracts

    candidates = contract_candidates(cohort_id)
    if not candidates:
        raise ValidationError(
            _("Nobody in this group needs a contract now."), code="nobody"
        )
    try:
        with transaction.atomic(durable=True):
            batch = ContractBatch.objects.create(
                cohort_id=cohort_id,
                send=send,
                total=len(candidates),
                requested_by=actor.staff_user(),
            )
            prepare_group_contracts.enqueue(batch_id=batch.pk)
    except IntegrityError as error:
        raise ValidationError(
            _("The contracts of this group are already being prepared."),
            code="running",
        ) from error
    return batch


def run_contract_batch(batch_id: int) -> ContractBatch:
    """Prepare (and send) the contract of everyone in the batch's group who
    needs one; each person in their own transaction, the report kept as it
    goes. A batch already finished is left alone; one whose worker was lost
    midway goes on from where its report ends."""
    batch = ContractBatch.objects.select_related("requested_by").get(pk=batch_id)
    if not batch.is_running:
        return batch
    report: list[dict] = list(batch.report)
    prepared = batch.prepared
    done = {row["application"] for row in report}
    candidates = [a for a in contract_candidates(batch.cohort_id) if a.pk not in done]
    ContractBatch.objects.filter(pk=batch.pk).update(
        state=ContractBatch.State.RUNNING, total=len(report) + len(candidates)
    )
    actor = Actor.staff(batch.requested_by)
    try:
        for application in candidates:
            row = _prepare_one(application, actor=actor, send=batch.send)
            prepared += row["ok"]
            report.append(row)
            ContractBatch.objects.filter(pk=batch.pk).update(
                report=report, prepared=prepared
            )
    except Exception:
        ContractBatch.objects.filter(pk=batch.pk).update(
            state=ContractBatch.State.FAILED, finished_at=timezone.now()
        )
        raise
    ContractBatch.objects.filter(pk=batch.pk).update(
        state=ContractBatch.State.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def _prepare_one(application: Application, *, actor: Actor, send: bool) -> dict:
    """One person's contract prepared (and sent); the report's row."""
    row = {"application": application.pk, "name": application.applicant.full_name}
    if contract_kind(application) == ContractKind.EMPLOYER:
        return row | {
            "ok": False,
            "text": gettext(
                "a contract with the employer: prepare it from the application's "
                "page with the employer's details"
            ),
        }
    try:
        contract = prepare_contract(
            application=application, actor=actor, party=party_for(application)
        )
        if send:
            send_contract(contract=contract, actor=actor)
    except ValidationError as error:
        return row | {"ok": False, "text": _why_not(error)}
    return row | {
        "ok": True,
        "text": gettext("contract № %(number)s") % {"number": contract.display_number},
    }
