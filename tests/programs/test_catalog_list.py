"""The catalog list tells the truth: the order the menu names is the order of
the results, and every filter in use is a chip that removes just itself."""

import datetime
import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from programs import selectors
from programs.selectors import CatalogFilters
from tests.factories import CohortFactory, DirectionFactory, ProgramFactory

pytestmark = pytest.mark.django_db
LIST_URL = "/programs/"
SEARCH = "сварка"


@pytest.fixture
def catalog():
    """Four programs whose order differs by every sort: three mention welding
    (in the title twice, in the summary, in the description), one does not."""
    today = timezone.localdate()
    welding = DirectionFactory(name="Сварочные технологии", slug="welding")
    quality = DirectionFactory(name="Контроль качества", slug="quality")
    programs = {
        "pipes": ProgramFactory(
            direction=welding,
            title="Сварка трубопроводов: сварка и резка",
            summary="Трубы, швы и резка металла",
            hours=200,
            price=30000,
        ),
        "operator": ProgramFactory(
            direction=welding,
            title="Оператор роботизированного комплекса",
            summary="Обслуживание комплекса для сварки",
            hours=72,
            price=10000,
        ),
        "control": ProgramFactory(
            direction=quality,
            title="Контроль качества соединений",
            summary="Методы неразрушающего контроля",
            description="Проверка швов после сварки на производстве.",
            hours=400,
            price=0,
        ),
        "turner": ProgramFactory(
            direction=quality,
            title="Токарь",
            summary="Обработка деталей на токарном станке",
            hours=160,
            price=5000,
        ),
    }
    for key, days in [("operator", 10), ("turner", 20), ("control", 30), ("pipes", 60)]:
        CohortFactory(
            program=programs[key], starts_on=today + datetime.timedelta(days=days)
        )
    return programs


# The order each sort gives, with and without the search term ("" asks for none).
SEARCH_ORDERS = {
    "": ["pipes", "operator", "control"],
    "relevance": ["pipes", "operator", "control"],
    "start": ["operator", "control", "pipes"],
    "title": ["control", "operator", "pipes"],
    "hours": ["operator", "pipes", "control"],
    "price": ["control", "operator", "pipes"],
}
BROWSE_ORDERS = {
    "": ["operator", "turner", "control", "pipes"],
    "relevance": ["operator", "turner", "control", "pipes"],  # nothing to rank
    "start": ["operator", "turner", "control", "pipes"],
    "title": ["control", "operator", "pipes", "turner"],
    "hours": ["operator", "turner", "pipes", "control"],
    "price": ["control", "turner", "operator", "pipes"],
}
LABELS = {
    "relevance": "По релевантности",
    "start": "Ближайшая дата начала",
    "title": "Название",
    "hours": "Продолжительность",
    "price": "Стоимость",
}


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def sort_menu(content: str) -> list[tuple[str, str, bool]]:
    """The sort menu as a person's browser shows it: (value, label, selected)."""
    select = re.search(r'<select[^>]*id="id_sort"[^>]*>(.*?)</select>', content, re.S)
    assert select is not None
    return [
        (value, text_of(label), bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>(.*?)</option>', select.group(1)
        )
    ]


def selected_label(content: str) -> str:
    chosen = [label for _value, label, selected in sort_menu(content) if selected]
    assert len(chosen) == 1
    return chosen[0]


def chips(content: str) -> list[tuple[str, str]]:
    """The filter chips: (what the link says, where it leads)."""
    return [
        (text_of(body), html.unescape(href))
        for href, body in re.findall(
            r'<a class="filter-chip" href="([^"]*)">(.*?)</a>', content, re.S
        )
    ]


def reset_link(content: str) -> str | None:
    found = re.search(r'<a class="filter-chip-reset" href="([^"]*)">', content)
    return html.unescape(found.group(1)) if found else None


def filters_button(content: str) -> str:
    """What the «Фильтры» button says, to the eye and the ear."""
    found = re.search(
        r'<button[^>]*aria-controls="filters"[^>]*>(.*?)</button>', content, re.S
    )
    assert found is not None
    return text_of(found.group(1))


def query_of(url: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(url).query))


def keys(response) -> list[str]:
    return [p.slug for p in response.context["programs"]]


def slugs(catalog, names: list[str]) -> list[str]:
    return [catalog[name].slug for name in names]


@pytest.mark.parametrize("sort", list(SEARCH_ORDERS))
def test_a_search_is_ordered_as_the_menu_says(client, catalog, sort):
    response = client.get(LIST_URL, {"q": SEARCH, "sort": sort})
    assert keys(response) == slugs(catalog, SEARCH_ORDERS[sort])
    assert selected_label(response.content.decode()) == LABELS[sort or "relevance"]


@pytest.mark.parametrize("sort", list(BROWSE_ORDERS))
def test_the_whole_catalog_is_ordered_as_the_menu_says(client, catalog, sort):
    response = client.get(LIST_URL, {"sort": sort} if sort else {})
    assert keys(response) == slugs(catalog, BROWSE_ORDERS[sort])
    expected = LABELS["start"] if sort in ("", "relevance") else LABELS[sort]
    assert selected_label(response.content.decode()) == expected


def test_a_search_offers_relevance_first_and_every_other_order(client, catalog):
    response = client.get(LIST_URL, {"q": SEARCH})
    assert sort_menu(response.content.decode()) == [
        ("", "По релевантности", True),
        ("start", "Ближайшая дата начала", False),
        ("title", "Название", False),
        ("hours", "Продолжительность", False),
        ("price", "Стоимость", False),
    ]


def test_without_a_search_relevance_is_not_offered(client, catalog):
    for query in ({}, {"q": "  "}, {"sort": "relevance"}):
        response = client.get(LIST_URL, query)
        assert sort_menu(response.content.decode()) == [
            ("", "Ближайшая дата начала", True),
            ("title", "Название", False),
            ("hours", "Продолжительность", False),
            ("price", "Стоимость", False),
        ]


def test_choosing_nearest_start_for_a_search_orders_by_nearest_start(client, catalog):
    menu = sort_menu(client.get(LIST_URL, {"q": SEARCH}).content.decode())
    value = next(v for v, label, _selected in menu if label == LABELS["start"])
    response = client.get(LIST_URL, {"q": SEARCH, "sort": value})
    assert keys(response) == slugs(catalog, SEARCH_ORDERS["start"])
    assert selected_label(response.content.decode()) == LABELS["start"]


def test_an_unknown_order_falls_back_to_the_default_the_menu_shows(client, catalog):
    response = client.get(LIST_URL, {"q": SEARCH, "sort": "bogus"})
    assert keys(response) == slugs(catalog, SEARCH_ORDERS[""])
    assert selected_label(response.content.decode()) == LABELS["relevance"]


@pytest.mark.parametrize("sort", list(SEARCH_ORDERS))
def test_search_without_full_text_ranks_by_where_the_words_are(catalog, sort):
    """The substring search other databases get ranks a word in the title
    above one in the summary, above one elsewhere."""
    found = selectors.search_programs(
        CatalogFilters(q=SEARCH, sort=sort), full_text=False
    )
    assert [p.slug for p in found] == slugs(catalog, SEARCH_ORDERS[sort])


@pytest.mark.parametrize("sort", list(SEARCH_ORDERS))
def test_full_text_search_is_ordered_as_asked(postgresql, catalog, sort):
    found = selectors.search_programs(
        CatalogFilters(q=SEARCH, sort=sort), full_text=True
    )
    assert [p.slug for p in found] == slugs(catalog, SEARCH_ORDERS[sort])


FILTERED = [
    ("q", SEARCH),
    ("direction", "welding"),
    ("direction", "quality"),
    ("cost", "paid"),
    ("starts", "90"),
    ("sort", "title"),
]


def test_each_filter_in_use_is_a_chip_that_says_what_it_removes(client, catalog):
    response = client.get(LIST_URL, [*FILTERED, ("page", "1")])
    content = response.content.decode()
    assert [text for text, _href in chips(content)] == [
        "Убрать фильтр: Направление: Сварочные технологии ×",
        "Убрать фильтр: Направление: Контроль качества ×",
        "Убрать фильтр: Стоимость: Платно ×",
        "Убрать фильтр: Начало обучения: В течение 3 месяцев ×",
    ]
    # The ×  is drawn, not read out.
    assert '<span class="filter-chip-x" aria-hidden="true">×</span>' in content


def test_removing_a_chip_keeps_the_other_filters_the_search_and_the_order(
    client, catalog
):
    content = client.get(LIST_URL, [*FILTERED, ("page", "1")]).content.decode()
    links = [href for _text, href in chips(content)]
    removed = [FILTERED[1], FILTERED[2], FILTERED[3], FILTERED[4]]
    assert len(links) == len(removed)
    for href, gone in zip(links, removed, strict=True):
        assert urlsplit(href).path == LIST_URL
        assert query_of(href) == sorted(p for p in FILTERED if p != gone)
        after = client.get(href)
        assert after.status_code == 200
        assert after.context["filters"].q == SEARCH
        assert after.context["filters"].sort == "title"
        assert len(chips(after.content.decode())) == len(removed) - 1


def test_reset_all_removes_every_filter_but_keeps_the_search_and_the_order(
    client, catalog
):
    content = client.get(LIST_URL, FILTERED).content.decode()
    href = reset_link(content)
    assert href is not None
    assert query_of(href) == sorted([("q", SEARCH), ("sort", "title")])
    after = client.get(href).content.decode()
    assert chips(after) == []
    assert reset_link(after) is None
    assert selected_label(after) == LABELS["title"]


def test_removing_the_last_chip_leads_to_the_plain_catalog(client, catalog):
    content = client.get(LIST_URL, {"cost": "free"}).content.decode()
    [(_text, href)] = chips(content)
    assert href == LIST_URL
    assert reset_link(content) == LIST_URL


def test_filters_button_counts_the_filters_in_use(client, catalog):
    content = client.get(LIST_URL, FILTERED).content.decode()
    assert filters_button(content) == "Фильтры 4 выбрано"
    # Seen: «Фильтры» and the number on a badge; the word is for the ear.
    assert (
        'Фильтры <span class="badge rounded-pill filter-count">4'
        '<span class="visually-hidden"> выбрано</span></span>'
    ) in content


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": SEARCH, "sort": "price"},
        {"direction": "nowhere", "cost": "both", "starts": "7", "kind": "rocket"},
        {"q": "", "cost": "", "category": "", "starts": "", "sort": ""},
    ],
)
def test_no_chips_and_no_count_without_a_filter_in_use(client, catalog, query):
    content = client.get(LIST_URL, query).content.decode()
    assert chips(content) == []
    assert reset_link(content) is None
    assert filters_button(content) == "Фильтры"
    assert "Сбросить все фильтры" not in content


def test_a_repeated_value_is_one_chip(client, catalog):
    content = client.get(
        LIST_URL, [("direction", "welding"), ("direction", "welding")]
    ).content.decode()
    assert len(chips(content)) == 1
    assert filters_button(content) == "Фильтры 1 выбран"


def test_chips_and_the_menu_speak_english_on_the_english_site(client, catalog):
    content = client.get("/en/programs/", {"cost": "free"}).content.decode()
    [(text, href)] = chips(content)
    assert text == "Remove filter: Cost: Free ×"
    assert href == "/en/programs/"
    assert [label for _v, label, _s in sort_menu(content)] == [
        "Nearest start",
        "Title",
        "Duration",
        "Price",
    ]
    assert selected_label(
        client.get("/en/programs/", {"q": SEARCH}).content.decode()
    ) == ("By relevance")


def test_the_filtered_list_makes_a_bounded_number_of_queries(
    client, catalog, django_assert_max_num_queries
):
    query = [
        *FILTERED,
        ("kind", "po_training"),
        ("form", "full_time"),
        ("category", "age_50_plus"),
    ]
    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL, query)
    assert len(chips(response.content.decode())) == 7
    for n in range(20):  # more directions and programs: no more queries
        ProgramFactory(direction=DirectionFactory(slug=f"more-{n}"))
    with django_assert_max_num_queries(8):
        client.get(LIST_URL, query)
