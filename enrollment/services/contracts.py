"""Contracts for paid educational services: prepared (numbered, printed and
stored with a checksum), sent to the applicant, signed copy uploaded, checked
by staff; or corrected (a new version), or cancelled.

Each step locks the application, then the contract, and refuses with a
message what its state does not allow: nothing is half-done.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import audit_as
from programs.models import CENTRE_PK, Centre

from .. import emails, papers
from ..models import (
    Application,
    ApplicationStatus,
    Contract,
    ContractState,
    PaperCounter,
)
from .contract_terms import (
    CONTRACT_STATUSES,
    MAX_INSTALMENTS,
    Party,
    build_particulars,
    check_party,
    contract_kind,
)
from .files import check_file
from .numbering import next_number
from .status import Actor

S = ApplicationStatus
State = ContractState


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "stream", "cohort__program")
        .get(pk=application.pk)
    )


def _issue(
    *,
    application: Application,
    actor: Actor,
    party: Party,
    price: Decimal | None,
    instalments: int,
    number: int | None = None,
    version: int = 1,
    replaces: Contract | None = None,
    reason: str = "",
) -> Contract:
    """Number (unless a version of ``number``), print and store one contract.
    The caller holds the application's lock."""
    centre = Centre.objects.filter(pk=CENTRE_PK).first()
    if centre is None:
        raise ValidationError(
            _("Fill in the centre's details first (Back office → Centre's details)."),
            code="no_centre",
        )
    kind = contract_kind(application)
    check_party(kind, party)
    budget = application.stream.is_free
    if budget:
        price = Decimal(0)  # the budget pays: nothing is asked of the customer
    else:
        price = application.cohort.program.price if price is None else Decimal(price)
    if not budget and price <= 0:
        raise ValidationError(
            {"price": _("A contract for paid services needs a price above zero.")},
            code="price",
        )
    if not 1 <= instalments <= MAX_INSTALMENTS:
        raise ValidationError(
            {
                "instalments": _("From 1 to %(n)s payments.") % {"n": MAX_INSTALMENTS},
            },
            code="instalments",
        )
    today = timezone.localdate()
    year = replaces.year if replaces else today.year
    number = number or next_number(PaperCounter.Kind.CONTRACT, year)
    contract = Contract(
        application=application,
        year=year,
        number=number,
        version=version,
        kind=kind,
        price=price,
        replaces=replaces,
        reason=reason,
        created_by=actor.staff_user(),
    )
    contract.particulars = build_particulars(
        application=application,
        centre=centre,
        kind=kind,
        party=party,
        price=price,
        instalments=instalments,
        number=contract.display_number,
        day=today,
    )
    pdf = papers.render_pdf("papers/contract.html", {"c": contract.particulars})
    contract.sha256 = papers.sha256(pdf)
    contract.pdf.save(
        f"contract-{year}-{number:04d}-{version}.pdf", ContentFile(pdf), save=False
    )
    audit_as(contract, actor.user, reason)
    contract.save()
    return contract


def prepare_contract(
    *,
    application: Application,
    actor: Actor,
    party: Party,
    price: Decimal | None = None,
    instalments: int = 1,
) -> Contract:
    """Prepare the application's contract: numbered in this year without gaps,
    printed to PDF and stored with its checksum.

    Raises ValidationError when the stream needs no contract, the application
    is past the point of a contract or already has one, the centre's details
    are missing, or the customer's details are incomplete or wrong.
    """
    with transaction.atomic(durable=True):
        application = _locked(application)
        if not application.stream.requires_contract:
            raise ValidationError(
                _("The stream “%(stream)s” needs no contract.")
                % {"stream": application.stream.name},
                code="no_contract_needed",
            )
        if application.status not in CONTRACT_STATUSES:
            raise ValidationError(
                _(
                    "A contract is prepared before enrolment; this application is “%(status)s”."
                )
                % {"status": application.get_status_display()},
                code="wrong_status",
            )
        if application.contracts.filter(state__in=LIVE_STATES).exists():
            raise ValidationError(
                _(
                    "This application already has a contract: correct or cancel it instead."
                ),
                code="has_contract",
            )
        return _issue(
            application=application,
            actor=actor,
            party=party,
            price=price,
            instalments=instalments,
        )


LIVE_STATES = (State.PREPARED, State.SENT, State.SIGNED, State.CHECKED)


def lock_contract(contract: Contract) -> Contract:
    """Lock the contract's application, then the contract (always this order)."""
    _locked(contract.application)
    return (
        Contract.objects.select_for_update()
        .select_related("application__applicant")
        .get(pk=contract.pk)
    )


def _refuse_unless(contract: Contract, *states: str) -> None:
    if contract.state not in states:
        raise ValidationError(
            _("This cannot be done to a contract that is “%(state)s”.")
            % {"state": contract.get_state_display()},
            code="wrong_state",
        )


def send_contract(*, contract: Contract, actor: Actor) -> Contract:
    """Send a prepared contract to the applicant: it shows on their page and
    an e-mail tells them (and a minor's representative) to sign it."""
    with transaction.atomic(durable=True):
        contract = lock_contract(contract)
        _refuse_unless(contract, State.PREPARED)
        contract.state = State.SENT
        contract.sent_at = timezone.now()
        audit_as(contract, actor.user)
        contract.save(update_fields=["state", "sent_at"])
        emails.send_contract_ready(contract.pk)
    return contract


def upload_signed_contract(
    *, contract: Contract, upload: UploadedFile, actor: Actor
) -> Contract:
    """Keep the signed copy of a sent contract, from the applicant or staff.

    Raises ValidationError for a contract not sent yet, a signed copy already
    uploaded (staff return it first), or a file that is not a PDF or a photo.
    """
    check_file(upload)
    with transaction.atomic(durable=True):
        contract = lock_contract(contract)
        if contract.state in (State.SIGNED, State.CHECKED):
            raise ValidationError(
                _("The signed copy of this contract is already uploaded."),
                code="already_signed",
            )
        _refuse_unless(contract, State.SENT)
        data = upload.read()
        contract.signed_scan.save(
            f"signed-{contract.year}-{contract.number:04d}-{contract.version}"
            f"{_extension(upload)}",
            ContentFile(data),
            save=False,
        )
        contract.signed_sha256 = papers.sha256(data)
        contract.signed_uploaded_at = timezone.now()
        contract.state = State.SIGNED
        audit_as(contract, actor.user, str(_("signed copy uploaded")))
        contract.save()
    return contract


def _extension(upload: UploadedFile) -> str:
    kind = check_file(upload)
    return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
        kind, ""
    )


def check_signed_contract(
    *, contract: Contract, actor: Actor, accepted: bool, reason: str = ""
) -> Contract:
    """Accept the signed copy, or return it to the applicant with the reason
    (the contract is sent again, the copy kept in the history)."""
    with transaction.atomic(durable=True):
        contract = lock_contract(contract)
        _refuse_unless(contract, State.SIGNED)
        if accepted:
            contract.state = State.CHECKED
            contract.checked_at = timezone.now()
            contract.checked_by = actor.staff_user()
        else:
            if not reason.strip():
                raise ValidationError({"reason": _("Please give the reason.")})
            contract.state = State.SENT
            contract.reason = reason.strip()
            contract.signed_scan = ""
            contract.signed_sha256 = ""
            contract.signed_uploaded_at = None
            emails.send_contract_returned(contract.pk)
        audit_as(contract, actor.user, reason)
        contract.save()
    return contract


def cancel_contract(*, contract: Contract, actor: Actor, reason: str) -> Contract:
    """Cancel a contract that is not yet in force; the number stays used."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")})
    with transaction.atomic(durable=True):
        contract = lock_contract(contract)
        _refuse_unless(contract, *LIVE_STATES)
        contract.state = State.CANCELLED
        contract.reason = reason.strip()
        audit_as(contract, actor.user, reason)
        contract.save(update_fields=["state", "reason"])
    return contract


def correct_contract(
    *,
    contract: Contract,
    actor: Actor,
    party: Party,
    reason: str,
    price: Decimal | None = None,
    instalments: int = 1,
) -> Contract:
    """Issue a corrected version under the same number; the old one is kept,
    marked as replaced, and any signed copy of it stays with it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")})
    with transaction.atomic(durable=True):
        contract = lock_contract(contract)
        _refuse_unless(contract, *LIVE_STATES)
        contract.state = State.REPLACED
        audit_as(contract, actor.user, reason)
        contract.save(update_fields=["state"])
        return _issue(
            application=contract.application,
            actor=actor,
            party=party,
            price=contract.price if price is None else price,
            instalments=instalments,
            number=contract.number,
            version=contract.version + 1,
            replaces=contract,
            reason=reason.strip(),
        )
