"""The program page: the facts that decide and the action for the nearest open
group at the top, every group's admission with its reason, and a bounded
number of queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import selectors
from programs.models import (
    Cohort,
    EducationLevel,
    FundingSource,
    LearnerCategory,
    StudyForm,
)
from tests.factories import CohortFactory, ProgramFactory, submit

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def program():
    program = ProgramFactory(
        title="Оператор станков с ЧПУ",
        slug="cnc-operator",
        hours=72,
        price=25000,
        min_age=18,
        study_form=StudyForm.MIXED,
        required_education=EducationLevel.SECONDARY_VOCATIONAL,
    )
    program.funding_sources.set(
        FundingSource.objects.filter(code__in=["federal", "personal"])
    )
    return program


def top(html: str) -> str:
    """The page's top block: from the title to the facts' end."""
    return html[html.index("<h1") : html.index('id="cohorts"')]


def test_the_top_says_form_hours_cost_by_stream_age_education_and_start(
    client, program
):
    CohortFactory(program=program, code="CNC-LATER", starts_on=days(60))
    CohortFactory(program=program, code="CNC-SOON", starts_on=days(20))
    html = top(client.get(program.get_absolute_url()).content.decode())
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Очно-заочная" in text
    assert "72 часа" in text
    assert "бесплатно — Федеральный проект «Активные меры содействия занятости»" in (
        text
    )
    assert "25 000 ₽ — За счёт слушателя (платное обучение)" in text
    assert "С 18 лет" in text
    assert "Среднее профессиональное или высшее образование" in text
    start = days(20)
    assert f"Ближайшая дата начала {start.day} " in text


def test_the_top_action_applies_to_the_nearest_open_group_with_a_seat(client, program):
    full = CohortFactory(
        program=program,
        starts_on=days(10),
        capacity=1,
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
    )
    submit(full)  # first come, first served: the one seat is offered at once
    closed = CohortFactory(
        program=program, starts_on=days(12), status=Cohort.Status.CLOSED
    )
    nearest = CohortFactory(program=program, starts_on=days(15))
    CohortFactory(program=program, starts_on=days(40))
    page = selectors.program_page(program.slug)
    assert page.action.cohort == nearest
    html = client.get(program.get_absolute_url()).content.decode()
    apply_url = reverse("enrollment:apply", args=[nearest.pk])
    facts = html[html.index("program-facts") : html.index('id="facts-title"')]
    assert f'href="{apply_url}"' in facts
    assert "Подать заявку" in facts
    assert f"в группу с {nearest.starts_on.day} " in facts
    bar = html[html.index('class="apply-bar') :]
    assert f'href="{apply_url}"' in bar
    assert reverse("enrollment:apply", args=[closed.pk]) not in html


def test_the_waiting_list_is_the_action_when_every_open_group_is_full(client, program):
    cohort = CohortFactory(
        program=program,
        capacity=1,
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
    )
    submit(cohort)
    assert selectors.program_page(program.slug).action.cohort == cohort
    facts = top(client.get(program.get_absolute_url()).content.decode())
    assert "Встать в лист ожидания" in facts


def test_without_an_open_group_the_top_action_is_the_notice(client, program):
    opening = days(30)
    CohortFactory(program=program, starts_on=days(60), applications_open_on=opening)
    response = client.get(program.get_absolute_url())
    html = response.content.decode()
    facts = top(html)
    assert "Приём заявок сейчас не идёт" in facts
    assert f"откроется {opening.day} " in facts
    assert 'href="#notify"' in facts
    assert "apply-bar" not in html
    assert 'id="notify"' in html
    assert "/apply/" not in html


def test_a_program_without_groups_offers_the_notice(client, program):
    html = client.get(program.get_absolute_url()).content.decode()
    assert "Новые группы пока не объявлены" in top(html)
    assert 'id="notify"' in html
    assert "apply-bar" not in html


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"applications_open_on": 5}, "Приём откроется"),
        ({"application_deadline": -1}, "Приём окончен"),
        ({"status": Cohort.Status.CLOSED}, "Набор в группу завершён"),
        ({"status": Cohort.Status.CANCELLED}, "Набор отменён"),
        (
            {"starts_on": -3, "application_deadline": -5, "ends_on": 30},
            "группа начала занятия",
        ),
    ],
)
def test_a_group_not_taking_applications_says_why(client, program, fields, reason):
    values = {
        name: days(value) if isinstance(value, int) else value
        for name, value in fields.items()
    }
    values.setdefault("starts_on", days(20))
    cohort = CohortFactory(program=program, **values)
    html = client.get(program.get_absolute_url()).content.decode()
    card = html[html.index(f'id="cohort-{cohort.pk}"') :]
    card = card[: card.index("</section>")]
    assert reason in card
    assert "не принимаются" not in card
    assert "/apply/" not in card


def test_a_cancelled_group_that_has_started_is_not_listed(client, program):
    cohort = CohortFactory(
        program=program,
        starts_on=days(-5),
        application_deadline=days(-7),
        status=Cohort.Status.CANCELLED,
    )
    assert cohort.code not in client.get(program.get_absolute_url()).content.decode()


def test_the_english_page_says_it_in_english(client, program):
    CohortFactory(program=program, starts_on=days(20))
    response = client.get(f"/en/programs/{program.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "In brief" in html
    assert "to the group starting" in html
    assert "Applications accepted until" in html
    assert "Tell me when applications open" not in top(html)


def test_the_page_makes_a_bounded_number_of_queries(
    client, program, django_assert_max_num_queries
):
    CohortFactory(program=program)
    # However many groups: the program, its streams, categories, groups and
    # their quotas, two counts of seats (enrollment.seats.count_cohorts_seats)
    # and the rest of the page.
    with django_assert_max_num_queries(8):
        assert client.get(program.get_absolute_url()).status_code == 200
    for n in range(15):
        CohortFactory(program=program, starts_on=days(10 + n))
    CohortFactory(program=program, status=Cohort.Status.CANCELLED)
    CohortFactory(program=program, applications_open_on=days(3))
    program.categories.set(LearnerCategory.objects.all())
    program.funding_sources.set(FundingSource.objects.all())
    with django_assert_max_num_queries(8):
        assert client.get(program.get_absolute_url()).status_code == 200


def test_a_program_free_for_everyone_names_no_paid_stream(client):
    free = ProgramFactory(price=0)
    free.funding_sources.set(
        FundingSource.objects.filter(code__in=["regional", "personal"])
    )
    page = selectors.program_page(free.slug)
    assert [c.stream.code for c in page.costs] == ["regional"]
    assert all(c.is_free for c in page.costs)
    only_paid = ProgramFactory(price=0)
    only_paid.funding_sources.set(FundingSource.objects.filter(code="personal"))
    html = client.get(only_paid.get_absolute_url()).content.decode()
    assert "Бесплатно для слушателя" in top(html)
