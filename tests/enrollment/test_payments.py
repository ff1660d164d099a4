"""Invoices and payments of a contract: one invoice per payment of the
schedule, payments and refunds within what is owed and paid, the state on a
day, a provider's repeated notification, overdue reminders once."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from enrollment import services
from enrollment.models import Invoice, Payment
from enrollment.selectors import payment_status
from enrollment.services.contracts import prepare_contract, send_contract
from enrollment.services.payments import (
    issue_invoices,
    record_payment,
    record_refund,
    remind_overdue_payments,
)
from tests.enrollment.test_contracts import centre, paid_group, prepared  # noqa: F401

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def staff(admin_user):
    return services.Actor.staff(admin_user)


@pytest.fixture
def contract(centre, staff):  # noqa: F811
    cohort = paid_group(price="30000", starts_on=TODAY + datetime.timedelta(days=10))
    application, party = prepared(cohort)
    contract = prepare_contract(
        application=application, actor=staff, party=party, instalments=3
    )
    return send_contract(contract=contract, actor=staff)


def pay(contract, amount, **kwargs):
    return record_payment(
        contract=contract,
        amount=Decimal(amount),
        paid_on=kwargs.pop("paid_on", TODAY),
        document="п/п № 512",
        **kwargs,
    )


def test_one_invoice_per_payment_naming_the_contract(contract, staff):
    invoices = issue_invoices(contract=contract, actor=staff)
    assert [i.instalment for i in invoices] == [1, 2, 3]
    assert sum(i.amount for i in invoices) == Decimal("30000")
    assert issue_invoices(contract=contract, actor=staff) == []
    first = invoices[0]
    with first.pdf.open("rb") as f:
        text = " ".join(PdfReader(io.BytesIO(f.read())).pages[0].extract_text().split())
    assert f"Счёт на оплату № {first.display_number}" in text
    assert f"Оплата по договору № {contract.display_number}" in text
    assert "10 000 (десять тысяч) рублей 00 копеек" in text
    assert "НДС не облагается" in text
    assert [i.number for i in Invoice.objects.order_by("number")] == [1, 2, 3]


def test_no_invoice_before_the_contract_is_sent(centre, staff):  # noqa: F811
    application, party = prepared()
    contract = prepare_contract(application=application, actor=staff, party=party)
    with pytest.raises(ValidationError) as error:
        issue_invoices(contract=contract, actor=staff)
    assert error.value.code == "not_payable"


def test_payments_add_up_to_the_price_and_not_beyond(contract, staff):
    pay(contract, "10000", actor=staff)
    assert payment_status(contract, TODAY).state == "partly_paid"
    with pytest.raises(ValidationError) as error:
        pay(contract, "20000.01", actor=staff)
    assert "осталось оплатить" in error.value.message_dict["amount"][0]
    assert Payment.objects.count() == 1
    pay(contract, "20000", actor=staff)
    status = payment_status(contract, TODAY)
    assert (status.state, status.owed) == ("paid", Decimal(0))


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_a_payment_must_be_above_zero(contract, staff, amount):
    with pytest.raises(ValidationError):
        pay(contract, amount, actor=staff)


def test_a_payment_is_not_dated_in_the_future(contract, staff):
    with pytest.raises(ValidationError) as error:
        pay(contract, "100", actor=staff, paid_on=TODAY + datetime.timedelta(days=1))
    assert "paid_on" in error.value.message_dict


def test_a_refund_never_exceeds_what_was_paid(contract, staff):
    pay(contract, "5000", actor=staff)
    with pytest.raises(ValidationError) as error:
        record_refund(
            contract=contract,
            amount=Decimal("5000.01"),
            paid_on=TODAY,
            document="п/п № 9",
            actor=staff,
            comment="Отказ от обучения",
        )
    assert "amount" in error.value.message_dict
    record_refund(
        contract=contract,
        amount=Decimal("5000"),
        paid_on=TODAY,
        document="п/п № 9",
        actor=staff,
        comment="Отказ от обучения",
    )
    assert payment_status(contract, TODAY).paid == 0


def test_a_providers_notification_twice_records_one_payment(contract):
    first = pay(contract, "10000", reference="op-123")
    again = pay(contract, "10000", reference="op-123")
    assert first.pk == again.pk
    assert (first.source, first.recorded_by) == (Payment.Source.PROVIDER, None)
    assert Payment.objects.count() == 1


def test_a_payment_past_its_date_is_overdue_and_reminded_once(
    contract, staff, mailoutbox, run_tasks
):
    first_due = datetime.date.fromisoformat(contract.particulars["schedule"][0]["due"])
    later = first_due + datetime.timedelta(days=1)
    assert payment_status(contract, first_due).state == "not_due"
    status = payment_status(contract, later)
    assert (status.state, status.overdue_instalment) == ("overdue", 1)
    assert remind_overdue_payments(today=later) == 1
    assert remind_overdue_payments(today=later) == 0
    run_tasks()
    assert [m for m in mailoutbox if contract.display_number in m.body]
    pay(contract, "10000", actor=staff)
    contract.refresh_from_db()
    assert payment_status(contract, later).state == "partly_paid"
