"""The managers' report as a page: the period it names, its filters, its table
of contents, the staff header, the months without gaps and the groups in the
order a manager reads them."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from copp import roles
from copp.reports import preset_days
from core.identifiers import snils_check_digits
from enrollment import services
from enrollment.models import Application
from enrollment.services.figures import rebuild_daily_intake
from programs.models import Cohort
from tests.factories import CohortFactory, ProgramFactory, submit

pytestmark = pytest.mark.django_db
MSK = zoneinfo.ZoneInfo("Europe/Moscow")
URL = "/reports/"


@pytest.fixture
def manager(client):
    call_command("setup_roles", verbosity=0)
    user = get_user_model().objects.create_user(
        "boss",
        password="x",
        is_staff=True,
        first_name="Мария",
        last_name="Руководова",
    )
    user.groups.add(Group.objects.get(name=roles.MANAGERS))
    client.force_login(user)
    return user


def panel(response, key):
    return next(t for t in response.context["tables"] if t.key == key)


def shown(response, key) -> list[list[str]]:
    return [[text for text, _classes in row] for row in panel(response, key).shown_rows]


def submitted_on(cohort, *days: datetime.datetime) -> list[Application]:
    """Applications to ``cohort`` submitted at ``days`` (Moscow time)."""
    applications = [submit(cohort) for _ in days]
    for application, day in zip(applications, days, strict=True):
        Application.objects.filter(pk=application.pk).update(submitted_at=day)
    # The days were moved by hand, outside the services: count them again.
    rebuild_daily_intake()
    return applications


@pytest.fixture
def gap():
    """Applications in August and October 2026, none in September."""
    return submitted_on(
        CohortFactory(),
        datetime.datetime(2026, 8, 10, 12, 0, tzinfo=MSK),
        datetime.datetime(2026, 10, 3, 12, 0, tzinfo=MSK),
        datetime.datetime(2026, 10, 20, 12, 0, tzinfo=MSK),
    )


# --- The period -----------------------------------------------------------------


def test_custom_dates_are_named_as_the_period(client, manager):
    response = client.get(URL, {"date_from": "2026-09-01", "date_to": "2026-11-30"})
    html = response.content.decode()
    assert response.context["period_label"] == "с 01.09.2026 по 30.11.2026"
    assert "Период: <strong>с 01.09.2026 по 30.11.2026</strong>" in html
    # The preset says the dates make the period, not «За всё время».
    assert response.context["form"]["preset"].value() == "custom"
    assert '<option value="custom" selected>Свои даты</option>' in html
    assert '<option value="all" selected>' not in html


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ({"date_from": "2026-09-01"}, "с 01.09.2026"),
        ({"date_to": "2026-11-30"}, "по 30.11.2026"),
        # Dates given the wrong way round are put right, and named so.
        (
            {"date_from": "2026-11-30", "date_to": "2026-09-01"},
            "с 01.09.2026 по 30.11.2026",
        ),
        ({}, "за всё время"),
        ({"preset": "all"}, "за всё время"),
    ],
)
def test_every_period_is_named_by_its_dates(client, manager, query, label):
    assert client.get(URL, query).context["period_label"] == label


def test_a_preset_is_named_by_its_real_dates(client, manager):
    first, last = preset_days("month", datetime.date.today())
    response = client.get(URL, {"preset": "month"})
    assert response.context["period_label"] == (
        f"с {first:%d.%m.%Y} по {last:%d.%m.%Y}"
    )
    assert response.context["form"]["preset"].value() == "month"


# --- Filters, contents, header --------------------------------------------------


def test_the_filters_name_their_empty_choice(client, manager):
    html = client.get(URL).content.decode()
    assert "---------" not in html
    for label in ("Все направления", "Все программы", "Все источники финансирования"):
        assert f'<option value="" selected>{label}</option>' in html


def test_the_contents_link_to_every_section(client, manager):
    response = client.get(URL)
    html = response.content.decode()
    tables = response.context["tables"]
    contents = re.search(
        r'<nav class="card card-body mb-4 report-toc".*?</nav>', html, re.S
    )
    assert contents is not None and "Содержание" in contents.group()
    for table in tables:
        assert f'href="#section-{table.key}">{table.title}</a>' in contents.group()
        assert f'id="section-{table.key}"' in html
    # The contents come before the first panel; each section leads back up.
    assert html.index("report-toc") < html.index('id="section-funnel"')
    assert html.count('href="#content">Наверх</a>') == len(tables) + 1


def test_the_reports_have_a_staff_header(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    html = client.get(URL).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert "Мария Руководова" in header
    assert 'href="/admin/">Рабочее место сотрудника</a>' in header
    assert 'href="/staff/exports/">Мои выгрузки</a>' in header
    # Not the public menu.
    assert "Главное меню" not in header and "Моя заявка" not in header
    # Logging out is a POST with the CSRF token, and it works.
    form = re.search(
        r'<form method="post" action="/admin/logout/".*?</form>', header, re.S
    )
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group())
    assert token is not None
    response = client.post("/admin/logout/", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 200
    assert client.get(URL).status_code == 302  # to the login page


def test_the_register_check_has_the_staff_header_too(client, admin_user):
    client.force_login(admin_user)
    html = client.get(URL, {"format": "register-check"}).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert 'action="/admin/logout/"' in header and "Главное меню" not in header


# --- Months without applications ------------------------------------------------


def test_months_without_applications_are_zero_rows(client, manager, gap):
    response = client.get(URL, {"date_to": "2026-10-31"})
    assert shown(response, "over_time") == [
        ["08.2026", "1"],
        ["09.2026", "0"],
        ["10.2026", "2"],
    ]
    chart = panel(response, "over_time").chart_data()
    assert chart["labels"] == ["08.2026", "09.2026", "10.2026"]
    assert chart["values"] == [1, 0, 2]


def test_the_months_cover_the_whole_period_asked_for(client, manager, gap):
    response = client.get(URL, {"date_from": "2026-06-15", "date_to": "2026-11-30"})
    months = dict(shown(response, "over_time"))
    assert months == {
        "06.2026": "0",
        "07.2026": "0",
        "08.2026": "1",
        "09.2026": "0",
        "10.2026": "2",
        "11.2026": "0",
    }


def test_the_months_are_summed_in_a_bounded_number_of_queries(
    client, manager, gap, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40):
        client.get(URL, {"date_from": "2000-01-01", "date_to": "2026-11-30"})
    response = client.get(URL, {"date_from": "2000-01-01", "date_to": "2026-11-30"})
    rows = panel(response, "over_time").rows
    assert len(rows) == 26 * 12 + 11  # every month from January 2000
    assert sum(count for _month, count in rows) == 3


# --- Groups ---------------------------------------------------------------------


@pytest.fixture
def groups(admin_user):
    """Two groups recruiting, two studying, two finished (one whose learners
    completed), created in the future and then moved in time."""
    staff = services.Actor.staff(admin_user)
    today = datetime.date.today()
    program = ProgramFactory(title="Токарь", price=0)
    numbers = iter(range(1, 100))

    def group(code: str, starts: int, ends: int, learners: int = 0) -> Cohort:
        cohort = CohortFactory(code=code, program=program, quotas={"regional": 10})
        for _ in range(learners):
            first_nine = f"{300_000_000 + next(numbers)}"  # a СНИЛС, to be enrolled
            application = submit(
                cohort, snils=first_nine + snils_check_digits(first_nine)
            )
            services.accept_application(application=application, actor=staff)
            services.enrol(application=application, actor=staff)
            services.start_studies(application=application, actor=staff)
        Cohort.objects.filter(pk=cohort.pk).update(
            starts_on=today + datetime.timedelta(days=starts),
            ends_on=today + datetime.timedelta(days=ends),
            application_deadline=today + datetime.timedelta(days=starts - 3),
        )
        return cohort

    group("UP-LATER", 40, 100)
    group("UP-SOON", 5, 60)
    group("RUN-OLD", -30, 30, learners=1)
    group("RUN-NEW", -2, 30)
    done = group("DONE-RECENT", -90, -5, learners=2)
    group("DONE-LONG-AGO", -200, -100)
    for application in done.applications.all():
        services.complete_studies(
            application=application,
            actor=staff,
            document=services.IssuedDocument(
                f"R-{application.pk}", today - datetime.timedelta(days=5)
            ),
        )
    return done


def test_groups_come_recruiting_then_studying_then_finished(client, manager, groups):
    table = panel(client.get(URL), "cohorts")
    assert [row[0] for row in table.rows] == [
        "UP-SOON",
        "UP-LATER",
        "RUN-NEW",
        "RUN-OLD",
        "DONE-RECENT",
        "DONE-LONG-AGO",
    ]
    assert [row[2] for row in table.rows] == [
        "идёт набор",
        "идёт набор",
        "идёт обучение",
        "идёт обучение",
        "завершена",
        "завершена",
    ]


def test_a_finished_group_shows_the_fill_of_its_learners(client, manager, groups):
    table = panel(client.get(URL), "cohorts")
    rows = {row[0]: row for row in table.rows}
    # Capacity 10; two learners enrolled, both completed: 20 %, not 0 %.
    assert rows["DONE-RECENT"][5:9] == [10, 2, 0.2, 2]
    # A group studying: its one learner studies.
    assert rows["RUN-OLD"][5:8] == [10, 1, 0.1]


def test_finished_groups_are_folded_away_on_the_page(client, manager, groups):
    response = client.get(URL)
    table = panel(response, "cohorts")
    assert [s.label for s in table.open_sections] == ["Идёт набор", "Идёт обучение"]
    [folded] = table.folded_sections
    assert folded.label == "Завершённые группы (2)"
    assert [row[0][0] for row in folded.rows] == ["DONE-RECENT", "DONE-LONG-AGO"]
    html = response.content.decode()
    assert "<summary>Завершённые группы (2)</summary>" in html
    # Finished groups listed under the fold only, after the open ones.
    assert html.index("UP-SOON") < html.index("<summary>") < html.index("DONE-RECENT")
    # The fill shows as a percentage; the stage is the page's group, not a
    # column; the program and the end date are in the workbook only.
    assert "20,0%" in html
    assert [h for h, _n in table.header_cells][:3] == [
        "Группа",
        "Начало обучения",
        "Мест",
    ]


def test_when_every_group_has_finished_none_is_folded(client, manager, groups):
    Cohort.objects.exclude(code__startswith="DONE").update(
        status=Cohort.Status.CANCELLED
    )
    table = panel(client.get(URL), "cohorts")
    assert table.folded_sections == []
    assert [s.label for s in table.open_sections] == ["Завершённые группы (2)"]


def test_the_page_with_groups_makes_a_bounded_number_of_queries(
    client, manager, groups, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40):
        assert client.get(URL).status_code == 200
