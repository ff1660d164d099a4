"""Studying for free: a person checks on the program page which streams they
may use, applies on the federal project with the paper it asks for, and
intake staff verify it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from enrollment.models import Application
from programs.models import Cohort, FundingSource, LearnerCategory
from tests.e2e.axe import axe_violations
from tests.e2e.test_apply_journey import field, fill_adult, pdf
from tests.e2e.test_staff_journeys import log_in, staff_member
from tests.factories import CohortFactory, ProgramFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]
UNEMPLOYED = "Граждане, обратившиеся в органы службы занятости"
PAPER = "Справка о регистрации в службе занятости"


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


@pytest.fixture
def cohort():
    program = ProgramFactory(
        title="Оператор станков с ЧПУ", slug="cnc-operator", price=42000
    )
    program.funding_sources.set(
        FundingSource.objects.filter(code__in=["federal", "personal"])
    )
    program.categories.set(LearnerCategory.objects.filter(code="unemployed"))
    return CohortFactory(
        program=program,
        code="CNC-11",
        admission_mode=Cohort.AdmissionMode.REVIEW,
        quotas={"federal": 15, "personal": 6},
    )


def test_a_person_checks_applies_for_free_with_the_paper_and_staff_verify_it(
    page, cohort, live_server
):
    from copp import roles

    page.goto("/programs/cnc-operator/")
    expect(page.get_by_text("Бесплатно по квоте").first).to_be_visible()
    expect(page.locator(".stream-seats")).to_contain_text("свободно 15 из 15")
    page.get_by_role("link", name="Проверить").click()

    # Without a category: the federal project says why, the paid stream fits.
    field(page, "Дата рождения").fill("1990-05-17")
    field(page, "Образование").select_option("secondary_general")
    page.get_by_role("button", name="Проверить").click()
    expect(
        page.get_by_role("heading", name="Ответ по каждому источнику финансирования")
    ).to_be_visible()
    expect(page.locator(".verdict-no")).to_contain_text("Отметьте категорию")
    assert axe_violations(page) == []

    # Registered with the employment service: free, with its certificate.
    page.get_by_role("checkbox", name=UNEMPLOYED).check()
    page.get_by_role("button", name="Проверить").click()
    expect(
        page.get_by_role("heading", name="Да: вы можете учиться бесплатно")
    ).to_be_visible()
    federal = page.locator(".verdict-yes").filter(has_text="Федеральный проект")
    expect(federal).to_contain_text(PAPER)
    federal.get_by_role(
        "link", name=re.compile("Подать заявку по этому источнику")
    ).click()

    expect(page.get_by_role("heading", name="Заявка на обучение")).to_be_visible()
    expect(page.get_by_label(re.compile("Федеральный проект"))).to_be_checked()
    fill_adult(page)
    page.get_by_role("checkbox", name=UNEMPLOYED).check()
    page.get_by_label("Паспорт или свидетельство о рождении").set_input_files(
        pdf("паспорт.pdf")
    )
    page.get_by_label("Документ, подтверждающий категорию").set_input_files(
        pdf("справка-цзн.pdf")
    )
    page.get_by_label(re.compile("Согласие на обработку персональных данных")).check()
    page.get_by_role("button", name="Отправить заявку").click()

    expect(page.get_by_role("alert")).to_contain_text("Заявка отправлена")
    expect(
        page.get_by_text(re.compile("Финансирование: Федеральный проект"))
    ).to_be_visible()
    checklist = page.locator(".document-checklist")
    expect(checklist.locator("li").filter(has_text=PAPER)).to_contain_text(
        "Загружен, ждёт проверки"
    )
    status_url = page.url
    application = Application.objects.get()
    assert application.stream.code == "federal"
    assert application.documents.filter(kind="employment_service").exists()

    # Intake staff open it, see the stream and verify the certificate.
    staff_member("intake", roles.INTAKE)
    staff_page = page.context.browser.new_page(base_url=live_server.url)
    log_in(
        staff_page, "intake", f"/admin/enrollment/application/{application.pk}/change/"
    )
    expect(staff_page.locator(".field-stream")).to_contain_text("Федеральный проект")
    row = staff_page.locator("tr").filter(has_text=PAPER)
    row.get_by_role("link", name="Проверить").click()
    staff_page.get_by_label("Документ принят").check()
    staff_page.get_by_role("button", name="Сохранить").click()
    expect(staff_page.locator(".messagelist")).to_contain_text("проверенный")
    staff_page.close()

    page.goto(status_url)
    expect(checklist.locator("li").filter(has_text=PAPER)).to_contain_text("Проверен")
