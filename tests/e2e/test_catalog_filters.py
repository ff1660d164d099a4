"""The catalog's filters as a person uses them on a phone and a laptop: the
«Фильтры» button counts what is chosen, each chosen filter is a chip that
removes itself, and the sort menu names the order the results are in."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations
from tests.factories import CohortFactory, DirectionFactory, ProgramFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
PIPES = "Сварка трубопроводов: сварка и резка"
OPERATOR = "Оператор роботизированного комплекса"
TURNER = "Токарь-универсал"


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


@pytest.fixture
def catalog():
    """Two welding programs (the most relevant to «сварка» starts last) and a
    third in another direction."""
    today = timezone.localdate()
    welding = DirectionFactory(name="Сварочные технологии", slug="welding")
    turning = DirectionFactory(name="Токарная обработка", slug="turning")
    programs = [
        (welding, PIPES, "Трубы, швы и резка металла", 30000, 60),
        (welding, OPERATOR, "Обслуживание комплекса для сварки", 0, 10),
        (turning, TURNER, "Обработка деталей на токарном станке", 5000, 20),
    ]
    for direction, title, summary, price, days in programs:
        program = ProgramFactory(
            direction=direction, title=title, summary=summary, price=price
        )
        CohortFactory(program=program, starts_on=today + datetime.timedelta(days=days))


def result_titles(page) -> list[str]:
    return page.locator(".card-program .card-title").all_inner_texts()


def fits_the_window(page) -> None:
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def chip_list(page):
    return page.get_by_role("list", name="Выбранные фильтры")


def test_on_a_phone_the_filters_button_counts_and_chips_remove_filters(page, catalog):
    page.set_viewport_size(PHONE)
    page.goto("/programs/")
    filters_button = page.get_by_role("button", name="Фильтры", exact=True)
    expect(filters_button).to_be_visible()
    expect(chip_list(page)).to_have_count(0)

    filters_button.click()
    page.get_by_label("Сварочные технологии").check()
    page.get_by_label("Стоимость").select_option("paid")
    page.get_by_role("button", name="Применить фильтры").click()

    expect(page.get_by_role("status")).to_have_text("Найдена 1 программа")
    counted = page.get_by_role("button", name=re.compile(r"^Фильтры\s+2\s+выбрано$"))
    expect(counted).to_be_visible()
    # The eye sees the number on a badge; the word is for the ear.
    expect(counted.locator(".filter-count")).to_have_text(re.compile(r"^2\b"))
    expect(counted.locator(".filter-count .visually-hidden")).to_have_text(" выбрано")
    expect(chip_list(page).get_by_role("link")).to_have_text(
        [
            re.compile(r"Направление:\s*Сварочные технологии\s*×"),
            re.compile(r"Стоимость:\s*Платно\s*×"),
            "Сбросить всё",
        ]
    )
    fits_the_window(page)
    # The chip is in the reach of a thumb, on the first screen.
    chip = page.get_by_role("link", name="Убрать фильтр: Стоимость: Платно")
    box = chip.bounding_box()
    assert box is not None
    assert box["height"] >= 24
    assert box["y"] + box["height"] <= PHONE["height"]

    chip.click()
    expect(page).to_have_url("/programs/?direction=welding")
    expect(page.get_by_role("status")).to_have_text("Найдено 2 программы")
    expect(
        page.get_by_role("button", name=re.compile(r"^Фильтры\s+1\s+выбран$"))
    ).to_be_visible()
    expect(chip_list(page).get_by_role("link")).to_have_count(2)

    page.get_by_role("link", name="Сбросить всё").click()
    expect(page).to_have_url("/programs/")
    expect(page.get_by_role("status")).to_have_text("Найдено 3 программы")
    expect(chip_list(page)).to_have_count(0)
    expect(page.get_by_role("button", name="Фильтры", exact=True)).to_be_visible()
    fits_the_window(page)


def test_on_a_laptop_the_menu_names_the_order_of_a_search(page, catalog):
    page.set_viewport_size(LAPTOP)
    page.goto("/programs/")
    sort = page.get_by_label("Сортировка")
    expect(sort.locator("option:checked")).to_have_text("Ближайшая дата начала")
    expect(sort.locator("option")).to_have_count(4)  # no relevance to rank by

    page.get_by_role("searchbox", name="Поиск").fill("сварка")
    page.get_by_role("button", name="Поиск", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Найдено 2 программы")
    expect(sort.locator("option:checked")).to_have_text("По релевантности")
    assert result_titles(page) == [PIPES, OPERATOR]

    sort.select_option(label="Ближайшая дата начала")
    expect(page).to_have_url(re.compile(r"sort=start"))
    expect(sort.locator("option:checked")).to_have_text("Ближайшая дата начала")
    assert result_titles(page) == [OPERATOR, PIPES]

    page.get_by_label("Сварочные технологии").check()
    page.get_by_role("button", name="Применить фильтры").click()
    chip = page.get_by_role(
        "link", name="Убрать фильтр: Направление: Сварочные технологии"
    )
    expect(chip).to_be_visible()
    # Above the results, below the count and the menu, overlapping neither.
    chips = chip_list(page).bounding_box()
    menu = sort.bounding_box()
    first_card = page.locator(".card-program").first.bounding_box()
    assert chips and menu and first_card
    assert menu["y"] + menu["height"] <= chips["y"]
    assert chips["y"] + chips["height"] <= first_card["y"]
    fits_the_window(page)

    chip.click()
    expect(chip_list(page)).to_have_count(0)
    expect(page.get_by_role("searchbox", name="Поиск")).to_have_value("сварка")
    expect(sort.locator("option:checked")).to_have_text("Ближайшая дата начала")
    assert result_titles(page) == [OPERATOR, PIPES]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_chips_in_the_version_for_the_visually_impaired(page, catalog, viewport):
    page.set_viewport_size(viewport)
    page.goto("/accessibility/?scheme=wb&size=2&next=/")
    page.goto("/programs/?direction=welding&cost=paid")
    expect(page.locator("html")).to_have_class(re.compile(r"\ba11y\b"))
    chip = page.get_by_role("link", name="Убрать фильтр: Стоимость: Платно")
    expect(chip).to_be_visible()
    fits_the_window(page)
    # The card's stretched link lies over the card: it must not paint over
    # the card's text in the high-contrast schemes.
    overlay = page.evaluate(
        "getComputedStyle(document.querySelector('.card-program .stretched-link'),"
        " '::after').backgroundColor"
    )
    assert overlay in ("rgba(0, 0, 0, 0)", "transparent")
    expect(page.get_by_text("Трубы, швы и резка металла")).to_be_visible()
    assert axe_violations(page) == []
    chip.click()
    expect(page).to_have_url("/programs/?direction=welding")


def test_chips_and_count_on_the_english_site(page, catalog):
    page.set_viewport_size(PHONE)
    page.goto("/en/programs/?q=сварка&cost=paid")
    expect(
        page.get_by_role("button", name=re.compile(r"^Filters\s+1\s+selected$"))
    ).to_be_visible()
    chip = page.get_by_role("link", name="Remove filter: Cost: Paid")
    expect(chip).to_be_visible()
    expect(page.get_by_label("Sort by").locator("option:checked")).to_have_text(
        "By relevance"
    )
    assert axe_violations(page) == []
    fits_the_window(page)
    chip.click()
    expect(page).to_have_url(re.compile(r"^.*/en/programs/\?q=%D1%81"))
    expect(page.get_by_role("status")).to_have_text("2 programs found")
