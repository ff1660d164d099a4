"""The managers' report as an XLSX workbook: named by its period, the period
and the moment it was made on top of each sheet, numbers and dates stored as
numbers and dates, short sheet names, months without gaps."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from copp.reports.xlsx import SHEET_NAME_LENGTH
from tests.reports.test_dashboard import fixture, manager  # noqa: F401 (fixtures)
from tests.reports.test_report_page import gap  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
URL = "/reports/"
SHEETS = [
    "Воронка",
    "Заявки по месяцам",
    "Воронка по направлениям",
    "Воронка по программам",
    "Заполнение групп",
    "Категории слушателей",
    "Пол",
    "Возраст",
    "Обучено (1-ПК, 1-ПО)",
    "Показатели центра",
    "Соглашения",
    "Истекающие соглашения",
    "Обязательства",
    "Трудоустройство",
]


def workbook(client, **query) -> tuple[openpyxl.Workbook, str]:
    response = client.get(URL, {"format": "xlsx", **query})
    assert response.status_code == 200
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    return openpyxl.load_workbook(io.BytesIO(response.content)), name


def cells_after_headers(sheet, first_header: str) -> list[tuple]:
    """The table's rows: from the headers to the first empty row (a note may
    follow)."""
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == first_header)
    table = []
    for row in rows[start + 1 :]:
        if all(cell.value is None for cell in row):
            break
        table.append(row)
    return table


def rows_after_headers(sheet, first_header: str) -> list[tuple]:
    return [
        tuple(cell.value for cell in row)
        for row in cells_after_headers(sheet, first_header)
    ]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        (
            {"date_from": "2026-09-01", "date_to": "2026-11-30"},
            "report-20260901-20261130.xlsx",
        ),
        (
            {"date_from": "2026-09-01", "date_to": "2026-11-30", "panel": "cohorts"},
            "report-cohorts-20260901-20261130.xlsx",
        ),
        (
            {"date_from": "2026-09-01", "date_to": "2026-11-30", "panel": "over_time"},
            "report-over-time-20260901-20261130.xlsx",
        ),
        ({"date_to": "2026-11-30"}, "report-until-20261130.xlsx"),
        # A panel that does not exist: the whole report, named as such.
        ({"date_to": "2026-11-30", "panel": "bogus"}, "report-until-20261130.xlsx"),
    ],
)
def test_the_file_is_named_by_its_period(client, manager, query, name):  # noqa: F811
    assert workbook(client, **query)[1] == name


def test_all_time_and_presets_are_named_by_their_days(client, manager):  # noqa: F811
    today = timezone.localdate()
    assert workbook(client)[1] == f"report-all-time-{today:%Y%m%d}.xlsx"
    first = today.replace(day=1)
    assert workbook(client, preset="month")[1] == (
        f"report-{first:%Y%m%d}-{today:%Y%m%d}.xlsx"
    )


def test_every_sheet_states_its_period_filters_and_when_it_was_made(
    client,
    manager,  # noqa: F811
    fixture,  # noqa: F811
):
    direction = fixture[0].cohort.program.direction
    before = timezone.localtime().replace(tzinfo=None, second=0, microsecond=0)
    book, _name = workbook(
        client, date_from="2026-09-01", date_to="2026-11-30", direction=direction.pk
    )
    after = timezone.localtime().replace(tzinfo=None)
    page = client.get(
        URL,
        {"date_from": "2026-09-01", "date_to": "2026-11-30", "direction": direction.pk},
    )
    titles = [table.title for table in page.context["tables"]]
    assert len(book.worksheets) == len(titles)
    for sheet, title in zip(book.worksheets, titles, strict=True):
        top = list(sheet.iter_rows(max_row=4, max_col=2, values_only=True))
        assert top[0][0] == title
        assert top[1] == ("Период", "с 01.09.2026 по 30.11.2026")
        assert top[2] == ("Направление", direction.name)
        label, made = top[3]
        assert label == "Сформирован"
        assert isinstance(made, datetime.datetime) and before <= made <= after
        assert sheet["B4"].number_format == "dd.mm.yyyy hh:mm"


def test_numbers_are_numbers_and_dates_are_dates(client, manager, fixture):  # noqa: F811
    book, _name = workbook(client)
    funnel = cells_after_headers(book["Воронка"], "Этап")
    submitted, reviewed = funnel[0], funnel[1]
    assert submitted[1].value == 5 and submitted[1].number_format == "0"
    assert submitted[2].value == 1 and submitted[2].number_format == "0.0%"
    assert reviewed[2].value == pytest.approx(0.6)
    assert reviewed[2].number_format == "0.0%"
    [group] = cells_after_headers(book["Заполнение групп"], "Группа")
    starts, ends = group[3], group[4]
    assert starts.is_date and starts.number_format == "dd.mm.yyyy"
    assert starts.value.date() == fixture[0].cohort.starts_on
    assert ends.value.date() == fixture[0].cohort.ends_on
    assert [cell.value for cell in group[5:10]] == [10, 0, 0, 1, 0]
    assert group[7].number_format == "0.0%"
    months = cells_after_headers(book["Заявки по месяцам"], "Месяц")
    assert all(cell.is_date and cell.number_format == "mm.yyyy" for cell, _n in months)
    # Nothing is a share written as text.
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.endswith("%") for v in row)


def test_a_rate_of_nothing_is_an_empty_cell_not_a_dash(client, manager):  # noqa: F811
    book, _name = workbook(client, date_from="2020-01-01", date_to="2020-01-31")
    funnel = rows_after_headers(book["Воронка"], "Этап")
    assert [row[1:] for row in funnel] == [(0, None)] * 5


def test_sheets_have_short_meaningful_names(client, manager):  # noqa: F811
    book, _name = workbook(client)
    assert book.sheetnames == SHEETS
    assert all(len(name) <= SHEET_NAME_LENGTH for name in book.sheetnames)
    by_week, _name = workbook(client, group="week")
    assert by_week.sheetnames[1] == "Заявки по неделям"


def test_one_panel_is_one_sheet_with_its_own_name(client, manager):  # noqa: F811
    book, _name = workbook(client, panel="cohorts")
    assert book.sheetnames == ["Заполнение групп"]


def test_months_without_applications_are_zero_rows_in_the_workbook(
    client,
    manager,  # noqa: F811
    gap,  # noqa: F811
):
    book, _name = workbook(client, date_from="2026-07-01", date_to="2026-10-31")
    rows = rows_after_headers(book["Заявки по месяцам"], "Месяц")
    assert [(month.date(), n) for month, n in rows] == [
        (datetime.date(2026, 7, 1), 0),
        (datetime.date(2026, 8, 1), 1),
        (datetime.date(2026, 9, 1), 0),
        (datetime.date(2026, 10, 1), 2),
    ]
