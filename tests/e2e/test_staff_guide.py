"""The walk-through of docs/staff-guide.md, done in a browser: a member of
staff takes a paid application from submission to enrolment by following the
screen alone (the day's queue, then each time the work screen's next step).
The applicant's own moves (accepting the seat, the contract's details, the
signed copy) are made through the services, as their page would.

Each step's screenshot is kept in test-artifacts/e2e/staff-guide/; the
pictures in docs/staff-guide/ are these."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from copp import roles
from enrollment import services
from enrollment.models import Contract
from enrollment.services.contract_batch import give_customer_details
from enrollment.services.contract_terms import Party
from enrollment.services.contracts import upload_signed_contract
from programs.models import Cohort
from programs.services import update_centre
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_journeys import log_in, staff_member
from tests.enrollment.test_contracts import CENTRE, paid_group
from tests.factories import pdf_file, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
GUIDE = ARTIFACTS / "staff-guide"


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


def shot(page, name: str) -> None:
    page.wait_for_load_state("load")
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / f"{name}.png"))


def next_step(page):
    """The work screen's one primary button."""
    return page.locator(".ws-primary")


def test_from_submission_to_enrolment_by_the_screen_alone(page, admin_user):
    update_centre(user=admin_user, changes=CENTRE)
    cohort = paid_group(
        price="36000",
        admission_mode=Cohort.AdmissionMode.REVIEW,
        code="WELD-21",
        starts_on=datetime.date.today() + datetime.timedelta(days=14),
    )
    cohort.program.title = (
        "Сварщик ручной дуговой сварки плавящимся покрытым электродом"
    )
    cohort.program.save(update_fields=["title"])
    application = submit(
        cohort,
        stream_code="personal",
        first_name="Ольга",
        patronymic="Андреевна",
        last_name="Белова",
        sex="female",
        snils="112-233-445 95",
        documents=[("passport", pdf_file("паспорт.pdf"))],
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    staff_member("olga", roles.INTAKE)
    log_in(page, "olga")

    # 1. The day's queue: a new application to review.
    shot(page, "01-home")
    page.get_by_role("link", name="Новые заявки: рассмотреть").click()
    page.get_by_role("link", name="Белова Ольга Андреевна").click()
    shot(page, "02-new-application")

    # 2. Into review, in one click; then the documents, one by one.
    expect(next_step(page)).to_have_text("Взять на рассмотрение")
    next_step(page).click()
    while next_step(page).inner_text() == "Проверить документ":
        next_step(page).click()
        shot(page, "03-document")
        page.get_by_label("Документ принят").check()
        page.get_by_role("button", name="Сохранить").click()

    # 3. The offer of a seat.
    expect(next_step(page)).to_contain_text("Принять")
    next_step(page).click()
    page.get_by_role("button", name="Подтвердить").click()
    shot(page, "04-offered")

    # The applicant, on her page: accepts the seat, gives the contract's details.
    services.accept_offer(application=application)
    give_customer_details(
        application=application,
        party=Party(
            identity_document="паспорт 4510 123456, выдан 01.02.2015",
            address="600000, г. Энск, ул. Мира, д. 5, кв. 7",
        ),
    )

    # 4. The contract: prepared from her details, sent.
    page.reload()
    expect(next_step(page)).to_have_text("Подготовить договор")
    next_step(page).click()
    shot(page, "05-contract-prepare")
    page.get_by_role("button", name="Подготовить").click()
    expect(next_step(page)).to_have_text("Открыть договор")
    next_step(page).click()
    page.get_by_role("link", name="Отправить заявителю").click()
    page.get_by_role("button", name="Отправить заявителю").click()
    shot(page, "06-contract-sent")

    # She signs it and uploads the copy.
    contract = Contract.objects.get(application=application)
    upload_signed_contract(
        contract=contract, upload=pdf_file(), actor=services.Actor.applicant()
    )

    # 5. The signed copy checked, the invoice issued, the payment recorded.
    page.goto(f"/admin/enrollment/application/{application.pk}/change/")
    expect(next_step(page)).to_have_text("Открыть договор")
    next_step(page).click()
    page.get_by_role("link", name="Проверить подписанный экземпляр").click()
    page.locator("input[value=accept]").check()
    page.get_by_role("button", name="Проверить подписанный экземпляр").click()
    page.get_by_role("link", name="Выставить счета").click()
    page.get_by_role("button", name="Выставить счета").click()
    page.get_by_role("link", name="Внести оплату").click()
    page.locator("#id_amount").fill("36000")
    page.locator("#id_document").fill("платёжное поручение № 77")
    page.get_by_role("button", name="Внести оплату").click()
    shot(page, "07-contract-paid")

    # 6. The order of enrolment: drafted with her ticked, signed.
    page.goto(f"/admin/enrollment/application/{application.pk}/change/")
    shot(page, "08-ready")
    expect(next_step(page)).to_have_text("Приказ о зачислении")
    next_step(page).click()
    shot(page, "09-order-draft")
    page.get_by_role("button", name="Подготовить проект приказа").click()
    page.get_by_role("link", name="Подписать и исполнить").click()
    page.get_by_role("button", name="Подписать и исполнить").click()
    shot(page, "10-order-signed")

    page.get_by_role("link", name="Белова Ольга Андреевна").click()
    expect(page.locator(".ws-badge")).to_have_text("Зачислен(а)")
    shot(page, "11-enrolled")
    application.refresh_from_db()
    assert application.status == "enrolled"
