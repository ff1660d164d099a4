"""A paid place, from the offer to enrolment: the applicant gives the details
for the contract on a phone, intake staff prepare the contract with them and
send it, the applicant downloads it on a phone and uploads the
signed copy, staff check it, issue the invoice and record the payment, draft
the order of enrolment and sign it; the applicant reads «Зачислен».

The contract, the invoice and the order are rendered to PNG in
test-artifacts/e2e/papers/ for a person to look at."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from enrollment import services
from enrollment.models import Contract, Invoice, Order
from enrollment.selectors import document_checklist
from programs.models import Cohort, FundingSource
from programs.services import update_centre
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_journeys import log_in, staff_member
from tests.enrollment.test_contracts import CENTRE
from tests.factories import (
    CohortFactory,
    ProgramFactory,
    applicant_data,
    pdf_file,
    submit,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]
PAPERS = ARTIFACTS / "papers"


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


def render(field, name: str) -> Path:
    """The first page of a stored PDF as PNG, kept for a person to look at."""
    import pypdfium2

    PAPERS.mkdir(parents=True, exist_ok=True)
    with field.open("rb") as f:
        document = pypdfium2.PdfDocument(f.read())
    image = document[0].render(scale=1.5).to_pil()
    path = PAPERS / f"{name}.png"
    image.save(path)
    assert image.size[0] > 800
    return path


@pytest.fixture
def offered(admin_user):
    update_centre(user=admin_user, changes=CENTRE)
    program = ProgramFactory(
        title="Сварщик ручной дуговой сварки", slug="welder", price=36000
    )
    program.funding_sources.set(FundingSource.objects.filter(code="personal"))
    cohort = CohortFactory(
        program=program,
        code="WELD-07",
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        quotas={"personal": 8},
        starts_on=datetime.date.today() + datetime.timedelta(days=14),
    )
    application = submit(
        cohort,
        stream_code="personal",
        data=applicant_data(
            last_name="Белова",
            first_name="Ольга",
            patronymic="Андреевна",
            sex="female",
            snils="112-233-445 95",
        ),
    )
    staff = services.Actor.staff(admin_user)
    for item in document_checklist(application):
        if item.required and not item.documents:
            services.upload_document(
                application=application, kind=item.kind, upload=pdf_file()
            )
    for document in application.documents.all():
        services.verify_document(document=document, actor=staff)
    return services.accept_offer(application=application)


def test_a_paid_place_from_the_offer_to_the_order_of_enrolment(
    page, browser, live_server, offered, tmp_path
):
    from copp import roles

    # The applicant, on a phone: the details the contract needs.
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="ru-RU"
    ).new_page()
    phone.goto(offered.get_absolute_url())
    details = phone.locator("#contract-details")
    details.get_by_label("Паспорт").fill("паспорт 4510 123456, выдан 01.02.2015")
    details.get_by_role("button", name="Сохранить данные").click()
    expect(details.locator(".invalid-feedback")).to_be_visible()  # the address
    expect(details.get_by_label("Паспорт")).to_have_value(
        "паспорт 4510 123456, выдан 01.02.2015"
    )
    details.get_by_label("Адрес регистрации").fill("г. Энск, ул. Мира, д. 5, кв. 7")
    details.get_by_role("button", name="Сохранить данные").click()
    expect(phone.locator(".alert-success")).to_contain_text("подготовит ваш договор")

    staff_member("kassa", roles.INTAKE)
    log_in(page, "kassa", f"/admin/enrollment/application/{offered.pk}/change/")
    page.get_by_role("link", name="Подготовить договор").click()
    expect(page.locator("#id_identity_document")).to_have_value(
        "паспорт 4510 123456, выдан 01.02.2015"
    )
    expect(page.locator("#id_address")).to_have_value("г. Энск, ул. Мира, д. 5, кв. 7")
    page.locator("#id_instalments").fill("1")
    page.get_by_role("button", name="Подготовить").click()
    expect(page.locator(".messagelist")).to_contain_text("Договор подготовлен")
    contract = Contract.objects.get(application=offered)
    render(contract.pdf, "contract")

    # The work screen's next step leads to the contract.
    page.get_by_role("link", name="Открыть договор").click()
    expect(page.locator("h2").first).to_contain_text(contract.display_number)
    page.get_by_role("link", name="Отправить заявителю").click()
    page.get_by_role("button", name="Отправить заявителю").click()
    expect(page.locator(".messagelist")).to_contain_text("Договор отправлен заявителю")

    # The applicant, on the phone again: downloads, signs, uploads.
    phone.reload()
    card = phone.locator("section[aria-labelledby=contract-title]")
    expect(card).to_contain_text(f"Договор № {contract.display_number}")
    with phone.expect_download() as download:
        card.get_by_role("link", name="Скачать договор (PDF)").click(modifiers=["Alt"])
    assert download.value.path().read_bytes().startswith(b"%PDF")
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(contract.pdf.open("rb").read())
    card.get_by_label("Подписанный договор").set_input_files(str(signed))
    card.get_by_role("button", name="Загрузить подписанный экземпляр").click()
    expect(phone.locator(".alert-success")).to_contain_text(
        "подписанный экземпляр загружен"
    )
    phone.screenshot(path=str(PAPERS / "applicant-signed.png"))

    # Staff: check the copy, invoice, payment.
    page.reload()
    page.get_by_role("link", name="Проверить подписанный экземпляр").click()
    page.locator("input[value=accept]").check()
    page.get_by_role("button", name="Проверить подписанный экземпляр").click()
    page.get_by_role("link", name="Выставить счета").click()
    page.get_by_role("button", name="Выставить счета").click()
    render(Invoice.objects.get(contract=contract).pdf, "invoice")
    page.get_by_role("link", name="Внести оплату").click()
    page.locator("#id_amount").fill("36000")
    page.locator("#id_document").fill("платёжное поручение № 77")
    page.get_by_role("button", name="Внести оплату").click()
    expect(page.locator(".field-payments")).to_contain_text("Оплачено")

    # The order of enrolment, from the group's page.
    page.goto(f"/admin/programs/cohort/{offered.cohort_id}/change/")
    page.get_by_role("link", name="Приказ о зачислении").click()
    expect(
        page.get_by_label(
            "Белова Ольга Андреевна (За счёт слушателя (платное обучение))"
        )
    ).to_be_checked()
    page.get_by_role("button", name="Подготовить проект приказа").click()
    page.get_by_role("link", name="Подписать и исполнить").click()
    page.get_by_role("button", name="Подписать и исполнить").click()
    expect(page.locator(".messagelist")).to_contain_text("Приказ подписан")
    order = Order.objects.get()
    render(order.pdf, "order")

    offered.refresh_from_db()
    assert offered.status == "enrolled"
    phone.reload()
    expect(phone.locator(".status-label")).to_contain_text("Зачислен")
    assert Decimal(contract.price) == Decimal("36000")
