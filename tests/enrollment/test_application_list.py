"""The staff's applications list: what a search finds, what the list says it
counts, and which dates its drill-down offers (enrollment.admin.listing)."""

import datetime

import pytest
from django.contrib.admin.templatetags.admin_list import (
    date_hierarchy as django_date_hierarchy,
)
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from enrollment.admin import listing
from enrollment.admin.applications import ApplicationAdmin
from enrollment.models import Application, ApplicationStatus
from programs.models import Cohort
from tests.factories import CohortFactory, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW, capacity=10)


def listed(client, **params):
    response = client.get(reverse("admin:enrollment_application_changelist"), params)
    assert response.status_code == 200
    return response


def found(client, query: str) -> set[int]:
    return {a.pk for a in listed(client, q=query).context["cl"].result_list}


def submitted_on(application, year: int, month: int, day: int) -> None:
    moment = timezone.make_aware(datetime.datetime(year, month, day, 12))
    Application.objects.filter(pk=application.pk).update(submitted_at=moment)


@pytest.mark.parametrize(
    "query",
    [
        "1234567",  # the phone's last seven digits
        "+7916",  # the phone's start
        "11223344595",  # the СНИЛС
        "2233445",  # a piece of the СНИЛС
        "anna.k",  # the e-mail's start
        "Королёв",  # a piece of the last name
        "Королёва Анна",  # last name and first name
        "Анна Королёва",  # the words in any order
        "Юрьевна",  # the patronymic
    ],
)
def test_a_search_finds_the_applicant_by_any_piece_of_their_details(
    admin_client, cohort, query
):
    match = submit(
        cohort,
        last_name="Королёва",
        first_name="Анна",
        patronymic="Юрьевна",
        sex="female",
        phone="+79161234567",
        email="anna.k@example.org",
        snils="112-233-445 95",
    )
    other = submit(cohort, phone="+79035550011", email="other@example.org")
    results = found(admin_client, query)
    assert match.pk in results
    assert other.pk not in results


def test_a_search_needs_every_word(admin_client, cohort):
    anna = submit(cohort, last_name="Королёва", first_name="Анна", sex="female")
    olga = submit(cohort, last_name="Королёва", first_name="Ольга", sex="female")
    assert found(admin_client, "Королёва Анна") == {anna.pk}
    assert found(admin_client, "Королёва") == {anna.pk, olga.pk}


def test_the_same_snils_is_a_possible_duplicate_and_no_snils_is_not(
    admin_client, cohort
):
    first = submit(cohort, snils="112-233-445 95", phone="+79160000001")
    second = submit(CohortFactory(), snils="11223344595", phone="+79160000002")
    without = submit(cohort, phone="+79160000003")
    also_without = submit(CohortFactory(), phone="+79160000004")
    rows = {a.pk: a for a in listed(admin_client).context["cl"].result_list}
    assert rows[first.pk].possible_duplicate is True
    assert rows[second.pk].possible_duplicate is True
    assert rows[without.pk].possible_duplicate is False
    assert rows[also_without.pk].possible_duplicate is False


@pytest.mark.parametrize("large", [False, True], ids=["rows read", "periods asked"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"submitted_at__year": "2026"},
        {"submitted_at__year": "2026", "submitted_at__month": "2"},
        {
            "submitted_at__year": "2026",
            "submitted_at__month": "2",
            "submitted_at__day": "10",
        },
        {"q": "Февральская"},  # one month: the drill-down starts at its days
        {"q": "Майская"},  # one day
        {"status__exact": ApplicationStatus.SUBMITTED},
        {"q": "Никтоневодитов"},  # nothing found
    ],
)
def test_the_date_drill_down_offers_what_djangos_offers(
    admin_client, cohort, monkeypatch, params, large
):
    for year, month, day, last_name, first_name in [
        (2025, 11, 3, "Ноябрьский", "Пётр"),
        (2026, 2, 10, "Февральская", "Анна"),
        (2026, 2, 11, "Февральская", "Ольга"),
        (2026, 5, 20, "Майская", "Анна"),
    ]:
        application = submit(cohort, last_name=last_name, first_name=first_name)
        submitted_on(application, year, month, day)
    if large:
        # As for a list too long to read: each period is asked whether it has rows.
        monkeypatch.setattr(listing, "READ_DATES_UP_TO", -1)
    cl = listed(admin_client, **params).context["cl"]
    assert listing.date_hierarchy(cl) == django_date_hierarchy(cl)


def test_the_drill_down_lists_years_then_months_then_days(admin_client, cohort):
    for year, month, day in [(2025, 11, 3), (2026, 2, 10), (2026, 2, 11)]:
        submitted_on(submit(cohort), year, month, day)
    html = listed(admin_client).content.decode()
    assert "?submitted_at__year=2025" in html and "?submitted_at__year=2026" in html
    html = listed(admin_client, submitted_at__year="2026").content.decode()
    assert "submitted_at__month=2" in html
    assert "submitted_at__month=3" not in html


def test_the_plain_list_of_a_large_table_says_its_size_is_an_estimate(
    postgresql, admin_client, cohort, monkeypatch
):
    monkeypatch.setattr(listing, "ESTIMATE_FROM", 1)
    for _ in range(3):
        submit(cohort)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enrollment_application")
    response = listed(admin_client)
    paginator = response.context["cl"].paginator
    assert paginator.estimated
    assert paginator.count_label in response.content.decode()
    # A filtered list is counted exactly.
    filtered = listed(admin_client, status__exact=ApplicationStatus.SUBMITTED)
    assert filtered.context["cl"].paginator.exact
    assert filtered.context["cl"].result_count == 3


def test_the_plain_list_counts_exactly_below_the_estimates_size(admin_client, cohort):
    for _ in range(3):
        submit(cohort)
    cl = listed(admin_client).context["cl"]
    assert cl.paginator.exact
    assert cl.result_count == 3


def test_a_search_counts_up_to_a_limit_and_serves_every_page(
    admin_client, cohort, monkeypatch
):
    monkeypatch.setattr(listing, "SEARCH_COUNTS_UP_TO", 2)
    monkeypatch.setattr(ApplicationAdmin, "list_per_page", 1)
    matches = [
        submit(cohort, last_name="Редкофамильный", first_name=first_name)
        for first_name in ("Иван", "Пётр", "Олег", "Глеб")
    ]
    for day, application in enumerate(matches, start=1):
        submitted_on(application, 2026, 3, day)
    response = listed(admin_client, q="Редкофамильный")
    cl = response.context["cl"]
    assert cl.paginator.capped
    assert cl.paginator.count_label in response.content.decode()
    # Newest first: the fourth page, past the count, has the oldest.
    last = listed(admin_client, q="Редкофамильный", p="4").context["cl"]
    assert [a.pk for a in last.result_list] == [matches[0].pk]
    assert (
        listed(admin_client, q="Редкофамильный", p="5").context["cl"].result_list == []
    )
    # Fewer rows than the limit: counted exactly.
    monkeypatch.setattr(listing, "SEARCH_COUNTS_UP_TO", 10)
    exact = listed(admin_client, q="Редкофамильный").context["cl"]
    assert exact.paginator.exact
    assert exact.result_count == 4
