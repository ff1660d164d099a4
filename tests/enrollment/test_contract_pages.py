"""Contracts through the pages: staff prepare, send and check in the back
office; the applicant downloads the contract and uploads the signed copy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from enrollment.models import Contract, ContractState
from programs.services import update_centre
from tests.enrollment.test_contracts import CENTRE
from tests.factories import CohortFactory, pdf_file, submit

pytestmark = pytest.mark.django_db

State = ContractState


@pytest.fixture
def application(admin_user):
    update_centre(user=admin_user, changes=CENTRE)
    cohort = CohortFactory(quotas={"personal": 5})
    cohort.program.price = Decimal("28000")
    cohort.program.save(update_fields=["price"])
    return submit(
        cohort, stream_code="personal", last_name="Соколов", first_name="Артём"
    )


def prepare(client, application, **overrides):
    data = {
        "last_name": "Соколов",
        "first_name": "Артём",
        "patronymic": "Игоревич",
        "sex": "male",
        "identity_document": "паспорт 4510 123456",
        "address": "г. Энск, ул. Мира, д. 5",
        "phone": "+79001234567",
        "price": "28000",
        "instalments": "2",
        **overrides,
    }
    return client.post(
        reverse("admin:enrollment_contract_prepare", args=[application.pk]), data
    )


def test_the_application_page_offers_to_prepare_a_contract(admin_client, application):
    page = admin_client.get(
        reverse("admin:enrollment_application_change", args=[application.pk])
    )
    assert reverse("admin:enrollment_contract_prepare", args=[application.pk]) in (
        page.content.decode()
    )


def test_a_contract_missing_a_field_is_refused_by_field_and_keeps_what_was_typed(
    admin_client, application
):
    response = prepare(admin_client, application, address="", identity_document="")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Заполните" in html or "Please fill this in" in html
    assert 'value="Игоревич"' in html
    assert not Contract.objects.exists()


def test_staff_prepare_and_send_then_the_applicant_signs(
    admin_client, client, application
):
    response = prepare(admin_client, application)
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert contract.state == State.PREPARED
    assert len(contract.particulars["schedule"]) == 2

    page = admin_client.get(
        reverse("admin:enrollment_contract_change", args=[contract.pk])
    )
    assert page.status_code == 200
    send = reverse("admin:enrollment_contract_step", args=[contract.pk, "send"])
    assert send in page.content.decode()
    # The applicant does not see a contract staff have not sent.
    assert (
        contract.display_number
        not in client.get(application.get_absolute_url()).content.decode()
    )
    assert admin_client.post(send).status_code == 302
    contract.refresh_from_db()
    assert contract.state == State.SENT

    status = client.get(application.get_absolute_url())
    html = status.content.decode()
    assert contract.display_number in html
    download = client.get(
        reverse("enrollment:contract_file", args=[application.token, contract.pk])
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert (
        download["Cache-Control"].startswith("no-store")
        or "no-store" in download["Cache-Control"]
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    signed_url = reverse(
        "enrollment:contract_signed", args=[application.token, contract.pk]
    )
    assert client.post(signed_url, {"file": pdf_file("signed.pdf")}).status_code == 302
    contract.refresh_from_db()
    assert contract.state == State.SIGNED
    first = contract.signed_sha256

    again = client.post(signed_url, {"file": pdf_file("again.pdf")}, follow=True)
    assert again.status_code == 200
    contract.refresh_from_db()
    assert contract.signed_sha256 == first
    assert any(
        "already" in str(m) or "уже" in str(m) for m in again.context["messages"]
    )

    check = reverse("admin:enrollment_contract_step", args=[contract.pk, "check"])
    assert admin_client.post(check, {"decision": "accept"}).status_code == 302
    contract.refresh_from_db()
    assert contract.state == State.CHECKED


def test_a_step_the_state_does_not_allow_is_forbidden(admin_client, application):
    prepare(admin_client, application)
    contract = Contract.objects.get()
    url = reverse("admin:enrollment_contract_step", args=[contract.pk, "check"])
    assert admin_client.get(url).status_code == 403


def test_returning_a_copy_without_a_reason_shows_the_form_again(
    admin_client, application
):
    prepare(admin_client, application)
    contract = Contract.objects.get()
    admin_client.post(
        reverse("admin:enrollment_contract_step", args=[contract.pk, "send"])
    )
    from enrollment.services import Actor
    from enrollment.services.contracts import upload_signed_contract

    upload_signed_contract(
        contract=contract, upload=pdf_file(), actor=Actor.applicant()
    )
    url = reverse("admin:enrollment_contract_step", args=[contract.pk, "check"])
    response = admin_client.post(url, {"decision": "return", "reason": ""})
    assert response.status_code == 200
    contract.refresh_from_db()
    assert contract.state == State.SIGNED


def test_a_correction_from_the_back_office_is_version_two(admin_client, application):
    prepare(admin_client, application)
    contract = Contract.objects.get()
    url = reverse("admin:enrollment_contract_step", args=[contract.pk, "correct"])
    page = admin_client.get(url)
    assert 'value="Соколов"' in page.content.decode()
    response = admin_client.post(
        url,
        {
            "last_name": "Соколов",
            "first_name": "Артём",
            "patronymic": "Игоревич",
            "sex": "male",
            "identity_document": "паспорт 4510 654321",
            "address": "г. Энск, ул. Мира, д. 5",
            "price": "28000",
            "instalments": "1",
            "reason": "Другой паспорт",
        },
    )
    assert response.status_code == 302
    assert sorted(Contract.objects.values_list("version", "state")) == [
        (1, State.REPLACED),
        (2, State.PREPARED),
    ]


def test_invoices_and_payments_from_the_back_office_show_to_the_applicant(
    admin_client, client, application
):
    prepare(admin_client, application)
    contract = Contract.objects.get()
    step = lambda name: reverse(  # noqa: E731
        "admin:enrollment_contract_step", args=[contract.pk, name]
    )
    admin_client.post(step("send"))
    assert admin_client.post(step("invoices")).status_code == 302
    assert contract.invoices.count() == 2
    too_much = admin_client.post(
        step("payment"),
        {"amount": "28000.01", "paid_on": "2026-01-10", "document": "п/п 1"},
    )
    assert too_much.status_code == 200
    assert 'value="п/п 1"' in too_much.content.decode()
    assert not contract.payments.exists()
    paid = admin_client.post(
        step("payment"),
        {"amount": "14000", "paid_on": "2026-01-10", "document": "п/п 1"},
    )
    assert paid.status_code == 302
    page = admin_client.get(
        reverse("admin:enrollment_contract_change", args=[contract.pk])
    )
    assert "14\u00a0000,00" in page.content.decode()

    html = client.get(application.get_absolute_url()).content.decode()
    invoice = contract.invoices.order_by("instalment").first()
    url = reverse("enrollment:invoice_file", args=[application.token, invoice.pk])
    assert url in html
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
