import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import (
    Cohort,
    FundingSource,
    LearnerCategory,
    ProgramKind,
    StudyForm,
)
from tests.factories import CohortFactory, DirectionFactory, ProgramFactory

pytestmark = pytest.mark.django_db
LIST_URL = "/programs/"


def titles(response) -> list[str]:
    return [p.title for p in response.context["programs"]]


@pytest.fixture
def catalog():
    today = timezone.localdate()
    welding = DirectionFactory(name="Сварочные технологии", slug="welding")
    cnc = DirectionFactory(name="Станки с ЧПУ", slug="cnc")
    programs = {
        "welder": ProgramFactory(
            direction=welding,
            title="Технологии сварки трубопроводов",
            kind=ProgramKind.PO_TRAINING,
            price=0,
        ),
        "cnc": ProgramFactory(
            direction=cnc,
            title="Оператор станков с ЧПУ",
            kind=ProgramKind.DPO_UPGRADE,
            hours=72,
            study_form=StudyForm.MIXED,
            price=25000,
        ),
        "draft": ProgramFactory(direction=cnc, title="Черновик", is_published=False),
    }
    programs["cnc"].categories.set(LearnerCategory.objects.filter(code="age_50_plus"))
    programs["cnc"].funding_sources.set(FundingSource.objects.filter(code="personal"))
    # Free: a budget pays (the federal project's quota).
    programs["welder"].funding_sources.set(FundingSource.objects.filter(code="federal"))
    CohortFactory(
        program=programs["welder"], starts_on=today + datetime.timedelta(days=10)
    )
    CohortFactory(
        program=programs["cnc"], starts_on=today + datetime.timedelta(days=100)
    )
    return programs


def test_catalog_lists_published_programs_only(client, catalog):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(
        [catalog["welder"].title, catalog["cnc"].title]
    )
    assert "Черновик" not in response.content.decode()


def test_catalog_sorts_by_nearest_start_by_default(client, catalog):
    response = client.get(LIST_URL)
    assert titles(response) == [catalog["welder"].title, catalog["cnc"].title]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("direction=welding", ["welder"]),
        ("direction=cnc&direction=welding", ["welder", "cnc"]),
        ("kind=dpo_upgrade", ["cnc"]),
        ("form=mixed", ["cnc"]),
        ("cost=free", ["welder"]),
        ("cost=paid", ["cnc"]),
        ("category=age_50_plus", ["cnc"]),
        ("starts=30", ["welder"]),
        ("starts=180", ["welder", "cnc"]),
        ("q=сварка", ["welder"]),
        ("q=ЧПУ", ["cnc"]),
        ("q=оператор", ["cnc"]),
        ("q=сварка&kind=dpo_upgrade", []),
        ("sort=price", ["welder", "cnc"]),
        ("sort=title", ["cnc", "welder"]),
    ],
)
def test_catalog_filters(client, catalog, query, expected):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert titles(response) == [catalog[key].title for key in expected]


@pytest.mark.parametrize(
    "query",
    [
        "direction=nowhere",
        "kind=rocket-science",
        "page=abc",
        "page=-1",
        "page=99999",
        "starts=soon",
        "starts=7",
        "sort=bogus",
        "cost=both",
        "category=' OR 1=1 --",
        "q=" + "сварка" * 2000,
        "q=%00%00",
        "q=%FF%FE",
        "q=a%20%26%20b%20%7C%20!c%20%3A*",
        'q="unclosed',
    ],
)
def test_bad_catalog_input_never_breaks_the_page(client, catalog, query):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200


def test_unknown_direction_among_known_ones_is_ignored(client, catalog):
    response = client.get(f"{LIST_URL}?direction=welding&direction=nowhere")
    assert titles(response) == [catalog["welder"].title]


def test_overlong_search_is_clamped(client, catalog):
    response = client.get(LIST_URL, {"q": "сварка " * 500})
    assert len(response.context["filters"].q) <= 100


def test_pagination_keeps_the_filters(client):
    direction = DirectionFactory(slug="many")
    ProgramFactory.create_batch(15, direction=direction)
    response = client.get(LIST_URL, {"direction": "many", "page": "2"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert len(response.context["programs"]) == 3
    assert 'href="?direction=many&amp;page=1"' in response.content.decode()


def test_program_page_shows_what_a_person_needs(client, catalog):
    program = catalog["cnc"]
    cohort = program.cohorts.get()
    response = client.get(reverse("programs:detail", kwargs={"slug": program.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert program.title in html
    assert cohort.code in html
    assert cohort.venue.name in html
    assert "удостоверение о повышении квалификации".lower() in html.lower()
    seats = response.context["page"].groups[0].cohort.seats_open
    assert seats == cohort.capacity
    assert f"{seats} мест" in html


def test_program_page_has_schema_org_course_data(client, catalog):
    program = catalog["welder"]
    response = client.get(program.get_absolute_url())
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    data = json.loads(match.group(1))
    assert data["@type"] == "Course"
    assert data["name"] == program.title
    assert data["provider"]["@type"] == "EducationalOrganization"
    assert data["hasCourseInstance"][0]["startDate"] == str(
        program.cohorts.get().starts_on
    )


def test_past_and_cancelled_cohorts_are_not_offered(client, catalog):
    program = catalog["welder"]
    today = timezone.localdate()
    past = CohortFactory(
        program=program,
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today - datetime.timedelta(days=1),
        status=Cohort.Status.CLOSED,
    )
    cancelled = CohortFactory(program=program, status=Cohort.Status.CANCELLED)
    html = client.get(program.get_absolute_url()).content.decode()
    assert past.code not in html
    # A cancelled group still to start is listed, saying so, and never offered.
    card = html[html.index(f'id="cohort-{cancelled.pk}"') :]
    card = card[: card.index("</section>")]
    assert "Набор отменён" in card
    assert "/apply/" not in card
    assert f"/apply/{cancelled.pk}/" not in html


@pytest.mark.parametrize("slug", ["no-such-program", "черновик"])
def test_unknown_program_is_404(client, catalog, slug):
    assert client.get(f"/programs/{slug}/").status_code == 404


def test_unpublished_program_is_404(client, catalog):
    response = client.get(catalog["draft"].get_absolute_url())
    assert response.status_code == 404


def _make_catalog(size: int) -> None:
    today = timezone.localdate()
    categories = list(LearnerCategory.objects.all()[:3])
    funding = list(FundingSource.objects.all()[:2])
    for n in range(size):
        program = ProgramFactory(direction=DirectionFactory(slug=f"dir-{n % 4}"))
        program.categories.set(categories)
        program.funding_sources.set(funding)
        for k in range(3):
            CohortFactory(
                program=program, starts_on=today + datetime.timedelta(days=5 + k * 30)
            )


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        LIST_URL,
        f"{LIST_URL}?q=программа&direction=dir-1&cost=free",
        "/en/programs/",
    ],
)
def test_catalog_pages_make_a_bounded_number_of_queries(client, url):
    _make_catalog(2)
    small = _count_queries(client, url)
    _make_catalog(30)
    large = _count_queries(client, url)
    assert small == large
    assert large <= 8


def test_program_page_makes_a_bounded_number_of_queries(client):
    _make_catalog(1)
    program = ProgramFactory()
    CohortFactory(program=program)
    small = _count_queries(client, program.get_absolute_url())
    for _ in range(20):
        CohortFactory(program=program)
    program.categories.set(LearnerCategory.objects.all())
    program.funding_sources.set(FundingSource.objects.all())
    large = _count_queries(client, program.get_absolute_url())
    assert small == large
    # The program, its streams, categories, groups and their quotas, and
    # two counts of seats (enrollment.seats.count_cohorts_seats).
    assert large <= 8
