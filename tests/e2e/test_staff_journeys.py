"""The back office and the reports in the browser: intake staff, a manager and
partner relations, each logged in through the admin's login page with their role."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from copp import roles
from enrollment import services
from enrollment.models import Application, ApplicationStatus
from partners.models import Agreement, Partner
from programs.models import Cohort
from programs.services import update_centre
from tests.e2e.axe import axe_violations
from tests.enrollment.test_contracts import CENTRE
from tests.factories import (
    CohortFactory,
    DirectionFactory,
    ProgramFactory,
    pdf_file,
    submit,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "a-long-demo-password-2026"
S = ApplicationStatus


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


def staff_member(username: str, role: str):
    call_command("setup_roles", verbosity=0)
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, username: str, next_url: str = "/admin/") -> None:
    page.goto(next_url)
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def run_action(page, label: str) -> None:
    """An action from the application's work screen (the next step, or one
    from the menu of other actions), confirmed on its own page."""
    button = page.get_by_role("button", name=label, exact=True)
    if button.count():
        button.click()  # the next step, taken at once
        return
    link = page.get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        page.get_by_text("Другие действия").click()
    link.click()
    page.get_by_role("button", name="Подтвердить").click()


def sign_order(page) -> None:
    """Sign the draft order the page shows, confirmed on its own page."""
    page.get_by_role("link", name="Подписать и исполнить").click()
    page.get_by_role("button", name="Подписать и исполнить").click()
    expect(page.locator(".messagelist")).to_contain_text("Приказ подписан")
    page.get_by_role("link", name="Смирнова", exact=False).first.click()


def xlsx(download) -> openpyxl.Workbook:
    with open(download.path(), "rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()), read_only=True)


def test_intake_takes_an_application_from_review_to_completion(page):
    staff_member("intake", roles.INTAKE)
    update_centre(user=None, changes=CENTRE)
    # Seats paid by the regional budget: no contract before the order.
    cohort = CohortFactory(
        code="CNC-07",
        quotas={"regional": 5},
        admission_mode=Cohort.AdmissionMode.REVIEW,
        program=ProgramFactory(title="Оператор станков с ЧПУ"),
    )
    application = submit(
        cohort,
        stream_code="regional",
        last_name="Смирнова",
        snils="112-233-445 95",
        documents=[
            ("passport", pdf_file("паспорт.pdf")),
            ("education", pdf_file("диплом.pdf")),
        ],
    )

    log_in(page, "intake")
    expect(page.get_by_role("heading", name="Приём и каталог программ")).to_be_visible()
    page.get_by_role("link", name="Заявки").first.click()
    page.get_by_role("link", name=re.compile("Смирнова")).click()

    # Both documents checked.
    for index in range(2):
        page.get_by_role("link", name="Проверить").nth(index).click()
        expect(page.get_by_role("heading", name="Проверка документа")).to_be_visible()
        page.get_by_label("Документ принят").check()
        page.get_by_role("button", name="Сохранить").click()
        expect(page.locator(".messagelist")).to_contain_text(
            "Документ отмечен как проверенный"
        )

    run_action(page, "Взять на рассмотрение")
    expect(page.locator(".messagelist")).to_contain_text("Смирнова")
    run_action(page, "Принять: предложить место или лист ожидания")
    services.accept_offer(application=application)  # on her own page
    page.reload()
    # Enrolment and completion are each an order of the group, with her ticked.
    page.get_by_role("link", name="Приказ о зачислении", exact=True).click()
    expect(page.get_by_label(re.compile("Смирнова"))).to_be_checked()
    page.get_by_role("button", name="Подготовить проект приказа").click()
    sign_order(page)
    run_action(page, "Начать обучение")
    page.get_by_role(
        "link", name="Приказ о завершении обучения и выдаче документов", exact=True
    ).click()
    page.get_by_label("Регистрационный номер первого документа").fill("101")
    page.get_by_label("Префикс регистрационных номеров").fill("ЦОПП-")
    page.get_by_role("button", name="Подготовить проект приказа").click()
    sign_order(page)

    application.refresh_from_db()
    assert application.status == S.COMPLETED
    assert application.completion.registration_number == "ЦОПП-101"
    assert list(
        application.history.order_by("created_at").values_list("to_status", flat=True)
    ) == [
        S.SUBMITTED,
        S.IN_REVIEW,
        S.OFFERED,
        S.OFFERED,  # she accepted the seat
        S.ENROLLED,
        S.STUDYING,
        S.COMPLETED,
    ]
    assert application.documents.filter(status="verified").count() == 2

    # The roster of the group, from the cohort's page.
    page.goto("/admin/programs/cohort/")
    page.get_by_role("link", name="CNC-07").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Список группы (XLSX)").click()
    rows = [
        [str(value) for value in row if value is not None]
        for row in xlsx(download.value).active.iter_rows(values_only=True)
    ]
    assert any("Смирнова" in " ".join(row) for row in rows)


@pytest.fixture
def report_data(admin_user):
    """Two directions, applications in two months, one learner who completed."""
    staff = services.Actor.staff(admin_user)
    welding = DirectionFactory(name="Сварочные технологии")
    cnc = DirectionFactory(name="Обработка на станках с ЧПУ")
    weld_cohort = CohortFactory(
        program=ProgramFactory(direction=welding, title="Сварщик"),
        admission_mode=Cohort.AdmissionMode.REVIEW,
    )
    cnc_cohort = CohortFactory(
        program=ProgramFactory(direction=cnc, title="Оператор ЧПУ"),
        admission_mode=Cohort.AdmissionMode.REVIEW,
    )
    weld = [submit(weld_cohort) for _ in range(3)]
    submit(cnc_cohort)
    services.take_into_review(application=weld[0], actor=staff)
    return {"welding": welding, "cnc": cnc}


def test_manager_reads_the_dashboard_changes_the_period_and_downloads_xlsx(
    page, report_data
):
    staff_member("boss", roles.MANAGERS)
    log_in(page, "boss", "/reports/")
    expect(
        page.get_by_role("heading", name="Отчёты", exact=False).first
    ).to_be_visible()
    for panel in (
        "Воронка приёма",
        "Воронка по направлениям",
        "Воронка по программам",
        "Заявки по месяцам",
        "Группы: наполняемость и листы ожидания",
        "Слушатели по категориям",
        "Слушатели по полу",
        "Слушатели по возрасту на начало обучения",
        "Показатели центра",
        "Соглашения по видам и статусам",
        "Соглашения, истекающие в течение 90 дней",
        "Обязательства по действующим соглашениям",
        "Трудоустройство после обучения",
    ):
        expect(page.get_by_role("heading", name=panel)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("1-ПК, 1-ПО"))).to_be_visible()
    assert axe_violations(page) == []
    funnel = page.locator("#panel-funnel").locator("xpath=..").locator("xpath=..")
    expect(funnel.get_by_role("row", name=re.compile("^Подано 4"))).to_be_visible()

    # One direction, this year.
    page.get_by_label("Период", exact=True).select_option("year")
    page.get_by_label("Направление").select_option(label="Сварочные технологии")
    page.get_by_role("button", name="Показать").click()
    expect(page).to_have_url(re.compile(r"preset=year.*direction="))
    expect(funnel.get_by_role("row", name=re.compile("^Подано 3"))).to_be_visible()
    expect(funnel.get_by_role("row", name=re.compile("^Рассмотрено 1"))).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать весь отчёт (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = xlsx(download.value)
    cells = [
        list(row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]
    # Shares are numbers (formatted as percentages), not text.
    assert ["Подано", 3, 1] in [row[:3] for row in cells]
    assert ["Рассмотрено", 1, pytest.approx(1 / 3)] in [row[:3] for row in cells]


def test_anyone_else_is_kept_out_of_the_reports(page):
    staff_member("intake", roles.INTAKE)
    log_in(page, "intake", "/reports/")
    expect(page.get_by_role("heading", name=re.compile("403|доступ"))).to_be_visible()


def test_partner_relations_register_a_partner_and_sign_an_agreement(page):
    staff_member("partners", roles.PARTNER_RELATIONS)
    log_in(page, "partners")
    page.get_by_role("row", name=re.compile("^Партнёры")).get_by_role(
        "link", name="Добавить"
    ).click()

    page.get_by_label("Полное наименование").fill(
        "Акционерное общество «Энский станкостроительный завод»"
    )
    page.get_by_label("Краткое наименование").fill("АО «ЭСЗ»")
    page.get_by_label("Отрасль").fill("Станкостроение")
    page.get_by_label("ИНН").fill("7707083894")  # a wrong check digit first
    page.get_by_label("КПП").fill("773601001")
    page.get_by_label("ОГРН / ОГРНИП").fill("1027700132195")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".errorlist").first).to_be_visible()
    expect(page.get_by_label("Краткое наименование")).to_have_value("АО «ЭСЗ»")
    page.get_by_label("ИНН").fill("7707083893")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("АО «ЭСЗ»")
    partner = Partner.objects.get(inn="7707083893")

    page.goto("/admin/partners/agreement/add/")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("ЭСЗ")
    page.get_by_role("option", name=re.compile("АО «ЭСЗ»")).click()
    page.get_by_label("Вид").select_option(label="О сотрудничестве")
    page.get_by_label("Номер").fill("С-2026/41")
    page.get_by_label("Предмет").fill("Практика и стажировки операторов станков с ЧПУ")
    today = timezone.localdate()
    page.get_by_label("Действует с").fill(today.strftime("%d.%m.%Y"))
    page.get_by_label("Действует до").fill(
        (today + datetime.timedelta(days=3 * 365)).strftime("%d.%m.%Y")
    )
    page.get_by_role("button", name="Сохранить и продолжить редактирование").click()
    expect(page.locator(".messagelist")).to_contain_text("С-2026/41")

    page.get_by_role("link", name="Подписать").click()
    page.get_by_label("Дата подписания").fill(today.isoformat())
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".messagelist")).to_contain_text("Соглашение подписано")

    agreement = Agreement.objects.get(number="С-2026/41")
    assert agreement.partner == partner
    assert agreement.status_on() == Agreement.Status.ACTIVE
    assert Application.objects.count() == 0  # nothing else was touched
