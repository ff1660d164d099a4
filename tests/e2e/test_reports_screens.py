"""The managers' report in the browser, as the manager meets it at 1366×900 and
390×844: the staff header (name, the back office, logging out), the period
named by its dates, the table of contents that leads to each section and
back, nothing wider than the window; screenshots kept in
test-artifacts/e2e/reports/ for a person to look at."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from copp import roles
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_journeys import PASSWORD, log_in, report_data  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"1366x900": (1366, 900), "390x844": (390, 844)}
PERIOD = "?date_from=2026-09-01&date_to=2026-11-30"


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


@pytest.fixture
def manager():
    call_command("setup_roles", verbosity=0)
    user = get_user_model().objects.create_user(
        "manager",
        password=PASSWORD,
        is_staff=True,
        first_name="Михаил",
        last_name="Руководов",
    )
    user.groups.add(Group.objects.get(name=roles.MANAGERS))
    return user


def keep(page, size: str, name: str) -> None:
    folder = ARTIFACTS / "reports" / size
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.screenshot(path=str(folder / f"{name}-screen.png"))
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{name}: {wide} px wide"


@pytest.mark.parametrize("size", SIZES)
def test_the_manager_finds_the_way_round_the_reports(
    page,
    manager,
    report_data,  # noqa: F811
    size,
):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, "manager", f"/reports/{PERIOD}")

    # The staff header: who is signed in, the way back, logging out.
    header = page.locator("header")
    expect(header.get_by_role("navigation", name="Главное меню")).to_have_count(0)
    toggler = header.get_by_role("button", name="Открыть меню")
    if toggler.is_visible():
        toggler.click()
    expect(header.get_by_text("Михаил Руководов")).to_be_visible()
    expect(
        header.get_by_role("link", name="Рабочее место сотрудника")
    ).to_have_attribute("href", "/admin/")
    expect(header.get_by_role("button", name="Выйти")).to_be_visible()
    if toggler.is_visible():
        toggler.click()

    # The period named by its dates; the preset says so.
    expect(page.locator(".report-period")).to_have_text(
        "Период: с 01.09.2026 по 30.11.2026"
    )
    expect(page.get_by_label("Период", exact=True)).to_have_value("custom")
    expect(page.get_by_label("Направление")).to_contain_text("Все направления")

    # The contents, near the top, one link for each section.
    contents = page.get_by_role("navigation", name="Содержание")
    expect(contents).to_be_visible()
    links = contents.get_by_role("link")
    sections = page.locator("section.report-section")
    expect(links).to_have_count(sections.count() + 1)
    keep(page, size, "dashboard")
    assert axe_violations(page) == []

    # Down to a section at the bottom, and back up.
    contents.get_by_role("link", name="Трудоустройство после обучения").click()
    expect(page).to_have_url(re.compile("#section-employment$"))
    heading = page.get_by_role("heading", name="Трудоустройство после обучения")
    expect(heading).to_be_in_viewport()
    keep(page, size, "dashboard-section")
    page.locator("#section-employment").get_by_role("link", name="Наверх").click()
    expect(page.get_by_role("heading", name="Отчёты", exact=True)).to_be_in_viewport()

    # The register's check, with the same header and period.
    page.get_by_role("link", name="Реестр ФИС ФРДО: профессиональное обучение").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Реестр ФИС ФРДО")
    expect(page.locator(".report-period")).to_have_text(
        "Период: с 01.09.2026 по 30.11.2026"
    )
    keep(page, size, "register-check")

    # Logging out from the header ends the session.
    if toggler.is_visible():
        toggler.click()
    logout = page.locator("header").get_by_role("button", name="Выйти")
    expect(logout).to_be_visible()  # the phone's menu has finished opening
    with page.expect_navigation():
        logout.click()
    expect(page).to_have_url(re.compile(r"/admin/logout/$"))
    page.goto(f"/reports/{PERIOD}")
    expect(page.get_by_label("Имя пользователя")).to_be_visible()
