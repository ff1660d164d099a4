"""The managers' report: figures computed by hand on a small fixture, compared with
the page and the XLSX."""

import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from copp import roles
from enrollment import services
from enrollment.models import Application
from enrollment.services.figures import rebuild_daily_intake
from programs.models import Cohort, ProgramKind
from tests.factories import CohortFactory, ProgramFactory, submit

pytestmark = pytest.mark.django_db
MSK = zoneinfo.ZoneInfo("Europe/Moscow")
URL = "/reports/"


@pytest.fixture
def manager(client):
    call_command("setup_roles", verbosity=0)
    user = get_user_model().objects.create_user("boss", password="x", is_staff=True)
    user.groups.add(roles_group(roles.MANAGERS))
    client.force_login(user)
    return user


def roles_group(name):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)


@pytest.fixture
def fixture(admin_user):
    """Five applications with known paths, submitted on known days."""
    staff = services.Actor.staff(admin_user)
    cohort = CohortFactory(
        admission_mode=Cohort.AdmissionMode.REVIEW,
        program=ProgramFactory(title="Сварщик", kind=ProgramKind.PO_TRAINING, price=0),
        quotas={"regional": 10},
    )
    apps = [
        submit(
            cohort,
            snils="112-233-445 95" if i == 0 else "",
            sex="female" if i < 2 else "male",
        )
        for i in range(5)
    ]
    # 0: offered -> enrolled -> studying -> completed
    services.accept_application(application=apps[0], actor=staff)
    services.enrol(application=apps[0], actor=staff)
    services.start_studies(application=apps[0], actor=staff)
    services.complete_studies(
        application=apps[0],
        actor=staff,
        document=services.IssuedDocument("1", datetime.date(2026, 11, 1)),
    )
    # 1: in review -> rejected
    services.take_into_review(application=apps[1], actor=staff)
    services.reject_application(application=apps[1], actor=staff, reason="Нет мест")
    # 2: offered -> withdrawn (declined)
    services.accept_application(application=apps[2], actor=staff)
    services.decline_offer(application=apps[2])
    # 3: still submitted; 4: withdrawn at once
    services.withdraw_application(application=apps[4], actor=services.Actor.applicant())
    # Submission days: two in October (one at the very last minute), three in November.
    days = [
        datetime.datetime(2026, 10, 31, 23, 59, tzinfo=MSK),
        datetime.datetime(2026, 10, 5, 12, 0, tzinfo=MSK),
        datetime.datetime(2026, 11, 1, 0, 0, tzinfo=MSK),
        datetime.datetime(2026, 11, 10, 9, 0, tzinfo=MSK),
        datetime.datetime(2026, 11, 20, 9, 0, tzinfo=MSK),
    ]
    for application, day in zip(apps, days, strict=True):
        Application.objects.filter(pk=application.pk).update(submitted_at=day)
    # The days were moved by hand, outside the services: count them again.
    rebuild_daily_intake()
    return apps


def table(response, key):
    return next(t for t in response.context["tables"] if t.key == key)


def shown(response, key) -> list[list[str]]:
    """A panel's rows as the page shows them."""
    return [[text for text, _classes in row] for row in table(response, key).shown_rows]


def test_anonymous_goes_to_login_and_other_staff_get_403(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    call_command("setup_roles", verbosity=0)
    clerk = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    clerk.groups.add(roles_group(roles.INTAKE))
    client.force_login(clerk)
    assert client.get(URL).status_code == 403


def test_funnel_all_time_matches_the_hand_count(client, manager, fixture):
    response = client.get(URL)
    assert response.status_code == 200
    rows = {row[0]: row[1] for row in table(response, "funnel").rows}
    # submitted 5; reviewed: 0 (offered), 1 (in review), 2 (offered) = 3;
    # offered: 0 and 2 = 2; enrolled: 0 = 1; completed: 0 = 1.
    assert list(rows.values()) == [5, 3, 2, 1, 1]


def test_period_boundaries_follow_moscow_time(client, manager, fixture):
    october = client.get(URL, {"date_from": "2026-10-01", "date_to": "2026-10-31"})
    assert [row[1] for row in table(october, "funnel").rows] == [2, 2, 1, 1, 1]
    november = client.get(URL, {"date_from": "2026-11-01", "date_to": "2026-11-30"})
    assert [row[1] for row in table(november, "funnel").rows] == [3, 1, 1, 0, 0]


def test_an_empty_period_shows_zeros_not_errors(client, manager, fixture):
    response = client.get(URL, {"date_from": "2020-01-01", "date_to": "2020-01-31"})
    assert [row[1] for row in table(response, "funnel").rows] == [0, 0, 0, 0, 0]
    assert table(response, "over_time").rows == []


def test_learners_trained_and_months(client, manager, fixture):
    response = client.get(URL)
    sexes = dict(table(response, "sex").rows)
    assert sexes == {"Мужской": 0, "Женский": 1}  # only application 0 is a learner
    trained = table(response, "trained").rows
    # Federal, regional and local budgets, paid, total: by the stream.
    assert trained == [[str(ProgramKind.PO_TRAINING.label), "Очная", 0, 1, 0, 0, 1]]
    up_to_november = client.get(URL, {"date_to": "2026-11-30"})
    months = dict(shown(up_to_november, "over_time"))
    assert months == {"10.2026": "2", "11.2026": "3"}


def test_xlsx_has_the_same_numbers_as_the_page(client, manager, fixture):
    page = client.get(URL)
    response = client.get(URL, {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == len(page.context["tables"])
    funnel = book[book.sheetnames[0]]
    rows = list(funnel.iter_rows(values_only=True))
    headers = rows.index(("Этап", "Заявок", "Доля от поданных"))
    assert [row[1] for row in rows[headers + 1 :]] == [5, 3, 2, 1, 1]
    one = client.get(URL, {"format": "xlsx", "panel": "sex"})
    assert len(openpyxl.load_workbook(io.BytesIO(one.content)).sheetnames) == 1


@pytest.mark.parametrize(
    "query",
    [
        "preset=bogus",
        "date_from=31.02.2026",
        "direction=999999",
        "program=abc",
        "date_from=2026-12-01&date_to=2026-01-01",
    ],
)
def test_bad_input_never_breaks_the_report(client, manager, fixture, query):
    assert client.get(f"{URL}?{query}").status_code == 200


def test_cohort_panel_shows_fill_and_waiting(client, manager, fixture):
    response = client.get(URL)
    rows = table(response, "cohorts").rows
    code = fixture[0].cohort.code
    row = next(r for r in rows if r[0] == code)
    # The group has not started: seats taken are those held now; application 0
    # completed (holds none), nobody else holds one.
    assert row[5:10] == [10, 0, 0.0, 1, 0]


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_whole_page_makes_a_bounded_number_of_queries(client, manager, fixture):
    small = _count_queries(client, URL)
    for _ in range(3):
        cohort = CohortFactory(capacity=20)
        for _ in range(10):
            submit(cohort)
    large = _count_queries(client, URL)
    assert small == large
    assert large <= 40


def test_register_of_issued_documents_for_a_period(client, manager, fixture):
    response = client.get(
        URL, {"format": "register", "date_from": "2026-11-01", "date_to": "2026-11-30"}
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["Шаблон"].iter_rows(values_only=True))
    assert rows[0][8] == "Регистрационный номер"  # column I of the ПО template
    assert len(rows) == 2  # the one document issued on 1 November
    assert rows[1][8] == "1"
    assert rows[1][21] == "112-233-445 95"  # column V
    empty = client.get(
        URL, {"format": "register", "date_from": "2026-12-01", "date_to": "2026-12-31"}
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(empty.streaming_content)))
    assert len(list(book.active.iter_rows(values_only=True))) == 1


def test_applications_by_week_start_on_mondays(client, manager, fixture):
    response = client.get(
        URL, {"group": "week", "date_from": "2026-10-05", "date_to": "2026-11-22"}
    )
    weeks = dict(shown(response, "over_time"))
    # 31.10 (Sat) and 5.10 (Mon); 1.11 (Sun); 10.11 (Tue); 20.11 (Fri); the
    # weeks between without applications as zero.
    assert weeks == {
        "05.10.2026": "1",
        "12.10.2026": "0",
        "19.10.2026": "0",
        "26.10.2026": "2",
        "02.11.2026": "0",
        "09.11.2026": "1",
        "16.11.2026": "1",
    }


@pytest.mark.parametrize(
    "query",
    [
        "format=register&date_from=0001-01-01&date_to=9999-12-31",
        "date_from=9999-12-31&date_to=0001-01-01",
        "format=xlsx&date_from=9999-12-31",
        "date_to=9999-12-31&group=week",
        "date_from=1900-01-01&date_to=2100-12-31",
    ],
)
def test_dates_at_the_edge_of_the_calendar_are_refused_kindly(client, manager, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    if "format" not in query and "9999" in query:
        form = response.context["form"]
        assert form.errors  # said next to the field, the rest of the page works
        assert "2100" in str(form.errors)
