"""Invoices and payments of a contract: invoices issued for the schedule's
payments, payments and refunds recorded (by staff, or later by a payment
provider the same way), overdue payments reminded once each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.russian import money, rubles_in_words

from .. import emails, papers
from ..models import Contract, ContractState, Invoice, PaperCounter, Payment
from ..selectors import payment_status
from .contract_terms import ru_date
from .contracts import lock_contract
from .numbering import next_number
from .status import Actor

State = ContractState
# Money changes hands once the contract is with the customer.
PAYABLE_STATES = (State.SENT, State.SIGNED, State.CHECKED)


def _refuse_unless_payable(contract: Contract) -> None:
    if contract.state not in PAYABLE_STATES or contract.price <= 0:
        raise ValidationError(
            _("Payments are recorded for a paid contract sent to the customer."),
            code="not_payable",
        )


def payment_purpose(contract: Contract, invoice_number: str) -> str:
    """«Оплата по договору № 2026/0001 от 30 ноября 2026 г., счёт № 2026/0003, НДС
    не облагается»: a bank statement's line that names the contract."""
    return (
        f"Оплата по договору № {contract.display_number} от "
        f"{contract.particulars['date']}, счёт № {invoice_number}, НДС не облагается"
    )


def issue_invoices(*, contract: Contract, actor: Actor) -> list[Invoice]:
    """Issue an invoice for each payment of the contract's schedule that has
    none yet; return those issued now (none when all are issued).

    Raises ValidationError for a contract that is not paid or not yet sent.
    """
    with transaction.atomic(durable=True):
        contract = lock_contract(contract)
        _refuse_unless_payable(contract)
        issued = set(
            contract.invoices.filter(cancelled_at__isnull=True).values_list(
                "instalment", flat=True
            )
        )
        year = timezone.localdate().year
        new = []
        for n, part in enumerate(contract.particulars["schedule"], start=1):
            if n in issued:
                continue
            number = next_number(PaperCounter.Kind.INVOICE, year)
            invoice = Invoice(
                contract=contract,
                year=year,
                number=number,
                instalment=n,
                amount=Decimal(part["amount"]),
                due_on=datetime.date.fromisoformat(part["due"]),
                created_by=actor.staff_user(),
            )
            invoice.purpose = payment_purpose(contract, invoice.display_number)
            pdf = papers.render_pdf(
                "papers/invoice.html",
                {
                    "c": contract.particulars,
                    "invoice": {
                        "number": invoice.display_number,
                        "date": ru_date(timezone.localdate()),
                        "instalment": n,
                        "of": len(contract.particulars["schedule"]),
                        "amount": money(invoice.amount),
                        "amount_words": rubles_in_words(invoice.amount),
                        "due": part["due_text"],
                        "purpose": invoice.purpose,
                    },
                },
            )
            invoice.sha256 = papers.sha256(pdf)
            invoice.pdf.save(
                f"invoice-{year}-{number:04d}.pdf", ContentFile(pdf), save=False
            )
            invoice.save()
            new.append(invoice)
    return new


def _paid(contract: Contract) -> Decimal:
    totals = {
        row["kind"]: row["total"]
        for row in contract.payments.values("kind").annotate(total=Sum("amount"))
    }
    return totals.get(Payment.Kind.PAYMENT, Decimal(0)) - totals.get(
        Payment.Kind.REFUND, Decimal(0)
    )


def _check_date(paid_on: datetime.date) -> None:
    if paid_on > timezone.localdate():
        raise ValidationError(
            {"paid_on": _("A payment cannot be dated in the future.")}, code="future"
        )


def record_payment(
    *,
    contract: Contract,
    amount: Decimal,
    paid_on: datetime.date,
    document: str,
    actor: Actor | None = None,
    reference: str = "",
) -> Payment:
    """Record money received for ``contract``: by staff (``actor``) or by a
    payment provider (no actor, its ``reference``). A reference seen before
    returns the payment already recorded, so a repeated notification is
    harmless.

    Raises ValidationError for a sum not above zero or above what is still
    owed, a date in the future, or a contract not yet sent or not paid.
    """
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError(
            {"amount": _("The sum must be above zero.")}, code="amount"
        )
    _check_date(paid_on)
    with transaction.atomic(durable=True):
        contract = lock_contract(contract)
        if reference:
            seen = Payment.objects.filter(reference=reference).first()
            if seen is not None:
                return seen
        _refuse_unless_payable(contract)
        owed = contract.price - _paid(contract)
        if amount > owed:
            raise ValidationError(
                {
                    "amount": _(
                        "Only %(owed)s roubles are still owed under this contract."
                    )
                    % {"owed": money(owed)}
                },
                code="overpaid",
            )
        return Payment.objects.create(
            contract=contract,
            kind=Payment.Kind.PAYMENT,
            amount=amount,
            paid_on=paid_on,
            document=document.strip(),
            source=Payment.Source.STAFF if actor else Payment.Source.PROVIDER,
            reference=reference,
            recorded_by=actor.user if actor else None,
        )


def record_refund(
    *,
    contract: Contract,
    amount: Decimal,
    paid_on: datetime.date,
    document: str,
    actor: Actor,
    comment: str,
) -> Payment:
    """Record money returned to the customer, with the reason.

    Raises ValidationError for a sum above what was paid, not above zero, a
    date in the future, or no reason.
    """
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError(
            {"amount": _("The sum must be above zero.")}, code="amount"
        )
    if not comment.strip():
        raise ValidationError({"comment": _("Please give the reason.")}, code="reason")
    _check_date(paid_on)
    with transaction.atomic(durable=True):
        contract = lock_contract(contract)
        paid = _paid(contract)
        if amount > paid:
            raise ValidationError(
                {
                    "amount": _("Only %(paid)s roubles were paid under this contract.")
                    % {"paid": money(paid)}
                },
                code="refund_too_large",
            )
        return Payment.objects.create(
            contract=contract,
            kind=Payment.Kind.REFUND,
            amount=amount,
            paid_on=paid_on,
            document=document.strip(),
            source=Payment.Source.STAFF,
            recorded_by=actor.staff_user(),
            comment=comment.strip(),
        )


def remind_overdue_payments(*, today: datetime.date | None = None) -> int:
    """Remind each customer whose schedule has a payment past its date and not
    covered by what was paid: once per contract and payment. Returns how many
    reminders were enqueued now."""
    today = today or timezone.localdate()
    sent = 0
    contracts: Iterable[Contract] = Contract.objects.filter(
        state__in=PAYABLE_STATES, price__gt=0
    ).prefetch_related("payments")
    for contract in contracts:
        status = payment_status(contract, today)
        if status.state == "overdue" and status.overdue_instalment:
            sent += emails.send_payment_overdue(
                contract.pk,
                key=f"payment-overdue:{contract.pk}:{status.overdue_instalment}",
            )
    return sent
