"""A visitor finds a program in the catalog, the way a person does it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import ProgramKind
from tests.factories import CohortFactory, DirectionFactory, ProgramFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


@pytest.fixture
def catalog():
    welding = DirectionFactory(name="Сварочные технологии", slug="welding")
    cnc = DirectionFactory(name="Обработка на станках с ЧПУ", slug="cnc")
    welder = ProgramFactory(
        direction=welding,
        title="Технологии сварки трубопроводов",
        slug="pipe-welding",
        kind=ProgramKind.PO_TRAINING,
    )
    ProgramFactory(
        direction=cnc,
        title="Оператор станков с ЧПУ",
        slug="cnc-operator",
        kind=ProgramKind.DPO_UPGRADE,
        hours=72,
        price=25000,
    )
    CohortFactory(
        program=welder,
        code="WELD-01",
        starts_on=timezone.localdate() + datetime.timedelta(days=12),
        capacity=15,
    )
    return welder


def test_visitor_searches_filters_and_opens_a_program(page, catalog):
    page.goto("/")
    expect(page.get_by_role("heading", name="Направления")).to_be_visible()
    page.get_by_label("Поиск программ").fill("сварка")
    page.get_by_role("button", name="Найти программу").click()

    expect(page).to_have_url("/programs/?q=%D1%81%D0%B2%D0%B0%D1%80%D0%BA%D0%B0")
    expect(page.get_by_role("status")).to_have_text("Найдена 1 программа")
    page.get_by_role("link", name="Технологии сварки трубопроводов").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Технологии сварки трубопроводов"
    )
    # In the facts at the top, and in the group's card.
    expect(page.get_by_text("Осталось 15 мест")).to_have_count(2)
    expect(page.get_by_text("Осталось 15 мест").first).to_be_visible()
    expect(page.get_by_text("Группа WELD-01")).to_be_visible()


def test_filters_narrow_the_list_and_stay_in_the_address(page, catalog):
    page.goto("/programs/")
    expect(page.get_by_role("status")).to_have_text("Найдено 2 программы")
    page.get_by_label("Стоимость").select_option("paid")
    page.get_by_role("button", name="Применить фильтры").click()
    expect(page.get_by_role("status")).to_have_text("Найдена 1 программа")
    expect(page).to_have_url("/programs/?q=&cost=paid&category=&starts=&sort=")
    expect(page.get_by_role("link", name="Оператор станков с ЧПУ")).to_be_visible()

    page.get_by_label("Сортировка").select_option("title")
    expect(page).to_have_url(re.compile(r"sort=title"))


def test_language_switch_keeps_the_page(page, catalog):
    page.goto("/programs/pipe-welding/")
    page.get_by_role("link", name="EN").click()
    expect(page).to_have_url("/en/programs/pipe-welding/")
    expect(page.get_by_role("heading", name="About the program")).to_be_visible()
    page.get_by_role("link", name="RU").click()
    expect(page.get_by_role("heading", name="О программе")).to_be_visible()


def test_catalog_fits_a_phone_screen(page, catalog):
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto("/programs/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320
    page.get_by_role("button", name="Фильтры").click()
    expect(page.get_by_label("Стоимость")).to_be_visible()
