"""Exports of applications: CSV and XLSX files the staff open in Excel."""

import csv
import datetime
import io
import tempfile
import zoneinfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.identifiers import format_snils
from enrollment.exports import (
    EXPORT_COLUMNS,
    XLSX_CONTENT_TYPE,
    csv_response,
    roster_xlsx_response,
    xlsx_response,
)
from enrollment.exports import applications as application_exports
from enrollment.exports import columns as export_columns
from enrollment.models import Applicant, Application, ApplicationStatus
from programs.models import CategoryCode, LearnerCategory
from tests.factories import CohortFactory, submit

pytestmark = pytest.mark.django_db
S = ApplicationStatus
UTC = datetime.UTC
HYPERLINK = '=HYPERLINK("http://evil.example/";"Нажмите")'
ENGLISH_HEADERS = [
    "Full name",
    "Date of birth",
    "Sex",
    "Phone",
    "E-mail",
    "Municipality",
    "Education",
    "Learner categories",
    "СНИЛС",
    "Direction",
    "Program",
    "Group",
    "Starts",
    "Status",
    "Submitted at",
    "Status changed at",
]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def xlsx_sheet(response):
    return openpyxl.load_workbook(io.BytesIO(body(response))).active


@pytest.fixture
def cohort():
    return CohortFactory(
        code="СВ-2025-01", program__title="Сварщик ручной дуговой сварки"
    )


@pytest.fixture
def application(cohort):
    """Ольга with every column filled, submitted at 09:30 UTC (12:30 in Moscow)."""
    application = submit(
        cohort,
        last_name="Щербакова",
        first_name="Ольга",
        patronymic="Юрьевна",
        sex="female",
        birth_date=datetime.date(1990, 5, 17),
        phone="+79123456789",
        email="olga@example.org",
        municipality="Сысертский городской округ",
        snils="112-233-445 95",
        categories=list(
            LearnerCategory.objects.filter(
                code__in=[CategoryCode.YOUTH, CategoryCode.WORKING_ADULT]
            )
        ),
    )
    Application.objects.filter(pk=application.pk).update(
        submitted_at=datetime.datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        status_changed_at=datetime.datetime(2025, 3, 2, 21, 5, tzinfo=UTC),
    )
    return application


def test_csv_headers_are_translatable_and_in_order(application):
    with translation.override("en"):
        response = csv_response(Application.objects.all(), filename="applications.csv")

    # Read after the override ended: the file keeps the language it was asked in.
    assert csv_rows(response)[0] == ENGLISH_HEADERS
    russian = csv_rows(csv_response(Application.objects.all(), filename="a.csv"))[0]
    assert russian[1] == "Дата рождения"


def test_csv_is_a_utf8_attachment_with_one_row_per_application(cohort, application):
    for _ in range(3):
        submit(cohort)

    response = csv_response(Application.objects.all(), filename="заявки.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%D0%B7%D0%B0" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert len(rows) == 1 + 4
    assert {len(row) for row in rows} == {len(EXPORT_COLUMNS)}


def test_csv_row_formats_each_column(application):
    response = csv_response(Application.objects.all(), filename="applications.csv")

    row = csv_rows(response)[1]
    assert row[:5] == [
        "Щербакова Ольга Юрьевна",
        "17.05.1990",
        application.applicant.get_sex_display(),
        "+79123456789",
        "olga@example.org",
    ]
    assert row[5] == "Сысертский городской округ"
    assert row[8] == "112-233-445 95"
    assert row[10] == "Сварщик ручной дуговой сварки"
    assert row[11] == "СВ-2025-01"
    assert row[12] == application.cohort.starts_on.strftime("%d.%m.%Y")
    assert row[13] == str(S.SUBMITTED.label)
    # Moscow time, whatever the stored UTC.
    assert row[14] == "01.03.2025 12:30"
    assert row[15] == "03.03.2025 00:05"


def test_csv_lists_learner_categories_by_name(application):
    with translation.override("en"):
        response = csv_response(Application.objects.all(), filename="a.csv")
        row = csv_rows(response)[1]

    assert row[7] == "Young people under 35, Working adults"


def test_csv_defuses_formulas_in_free_text_but_keeps_phone_numbers(application):
    Applicant.objects.filter(pk=application.applicant_id).update(
        last_name=HYPERLINK, patronymic="", municipality="-1+2", email="@evil"
    )

    row = csv_rows(csv_response(Application.objects.all(), filename="a.csv"))[1]

    assert row[0] == f"'{HYPERLINK} Ольга"
    assert row[5] == "'-1+2"
    assert row[4] == "'@evil"
    assert row[3] == "+79123456789"


def test_csv_exports_only_the_given_queryset(cohort, application):
    other = submit(CohortFactory())

    response = csv_response(
        Application.objects.filter(cohort=other.cohort), filename="a.csv"
    )

    rows = csv_rows(response)
    assert len(rows) == 2
    assert rows[1][0] == other.applicant.full_name


def test_xlsx_has_a_bold_header_and_a_row_per_application(cohort, application):
    submit(cohort)

    with translation.override("en"):
        response = xlsx_response(
            Application.objects.all(),
            filename="applications.xlsx",
            sheet_title="Заявки",
        )

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="applications.xlsx"'
    )
    sheet = xlsx_sheet(response)
    assert sheet.title == "Заявки"
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == ENGLISH_HEADERS
    assert all(cell.font.bold for cell in rows[0])
    assert len(rows) == 1 + 2
    assert sheet.freeze_panes == "A2"


def test_xlsx_keeps_cyrillic_snils_and_real_dates(application):
    response = xlsx_response(
        Application.objects.all(), filename="a.xlsx", sheet_title="Заявки"
    )

    row = next(xlsx_sheet(response).iter_rows(min_row=2, max_row=2))
    assert row[0].value == "Щербакова Ольга Юрьевна"
    assert row[3].value == "+79123456789"
    assert row[8].value == "112-233-445 95"
    # Dates are dates, not text; times are Moscow wall-clock time, naive.
    assert row[1].is_date
    assert row[1].value == datetime.datetime(1990, 5, 17)
    assert row[1].number_format == "DD.MM.YYYY"
    assert row[12].is_date
    assert row[14].is_date
    assert row[14].value == datetime.datetime(2025, 3, 1, 12, 30)
    assert row[14].number_format == "DD.MM.YYYY HH:MM"
    assert row[15].value == datetime.datetime(2025, 3, 3, 0, 5)


def test_xlsx_stores_a_formula_lookalike_as_text(application):
    Applicant.objects.filter(pk=application.applicant_id).update(
        last_name=HYPERLINK, patronymic=""
    )

    response = xlsx_response(
        Application.objects.all(), filename="a.xlsx", sheet_title="x"
    )

    cell = xlsx_sheet(response)["A2"]
    assert cell.data_type == "s"  # a formula would load as "f"
    assert cell.value == f"{HYPERLINK} Ольга"


def test_export_queries_do_not_grow_with_the_number_of_rows(cohort):
    categories = list(LearnerCategory.objects.all()[:2])
    other_cohort = CohortFactory()

    def add(count: int) -> None:
        for n in range(count):
            submit(cohort if n % 2 else other_cohort, categories=categories)

    def queries() -> tuple[int, int]:
        counts = []
        for make in (
            lambda: csv_response(Application.objects.all(), filename="a.csv"),
            lambda: xlsx_response(
                Application.objects.all(), filename="a.xlsx", sheet_title="a"
            ),
        ):
            with CaptureQueriesContext(connection) as context:
                body(make())
            counts.append(len(context.captured_queries))
        return counts[0], counts[1]

    add(5)
    with_five = queries()
    add(25)
    assert Application.objects.count() == 30

    assert queries() == with_five


def test_roster_lists_only_admitted_learners_by_name(cohort):
    statuses = {
        "Яковлев": S.ENROLLED,
        "Абрамова": S.STUDYING,
        "Мельников": S.COMPLETED,
        "Борисов": S.EXPELLED,
        "Алексеев": S.SUBMITTED,
        "Васильева": S.WITHDRAWN,
        "Григорьев": S.REJECTED,
    }
    for last_name, status in statuses.items():
        application = submit(cohort, last_name=last_name, snils="")
        Application.objects.filter(pk=application.pk).update(status=status)
    elsewhere = submit(CohortFactory(), last_name="Чужой")
    Application.objects.filter(pk=elsewhere.pk).update(status=S.ENROLLED)

    response = roster_xlsx_response(cohort)

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''roster-%D0%A1%D0%92-2025-01.xlsx"
    )
    rows = list(xlsx_sheet(response).iter_rows(values_only=True))
    title = rows[0][0]
    assert "Сварщик ручной дуговой сварки" in title
    assert "СВ-2025-01" in title
    assert cohort.starts_on.strftime("%d.%m.%Y") in title
    assert cohort.ends_on.strftime("%d.%m.%Y") in title
    assert len(rows[1]) == 7
    learners = rows[2:]
    assert [row[0] for row in learners] == [1, 2, 3, 4]
    assert [row[1].split()[0] for row in learners] == [
        "Абрамова",
        "Борисов",
        "Мельников",
        "Яковлев",
    ]
    assert [row[6] for row in learners] == [
        str(S.STUDYING.label),
        str(S.EXPELLED.label),
        str(S.COMPLETED.label),
        str(S.ENROLLED.label),
    ]
    assert isinstance(learners[0][2], datetime.datetime)


def test_roster_of_an_empty_cohort_has_only_the_title_and_header(cohort):
    rows = list(xlsx_sheet(roster_xlsx_response(cohort)).iter_rows(values_only=True))

    assert len(rows) == 2


def test_a_failed_xlsx_export_leaves_no_temporary_file(
    monkeypatch, tmp_path, application
):
    made = []

    def broken(row):
        made.extend(tmp_path.iterdir())
        raise RuntimeError("the database went away")

    monkeypatch.setattr(application_exports, "EXPORT_COLUMNS", [("Boom", broken)])
    # Python's temporary files and the XLSX writer's own go to tmp_path.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))

    with pytest.raises(RuntimeError):
        xlsx_response(Application.objects.all(), filename="a.xlsx", sheet_title="a")

    assert made  # the export had made its temporary folder
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "query", ["cohort__id__exact=abc", "submitted_at__gte=nonsense", "nosuch=1"]
)
def test_an_export_with_a_filter_it_cannot_apply_goes_back_to_the_list(
    admin_client, application, fmt, query
):
    """As the list itself does: back to it with its "wrong filter" note where
    the list goes there, the export of what it shows otherwise."""
    listed = admin_client.get(
        reverse("admin:enrollment_application_changelist") + f"?{query}"
    )
    url = reverse("admin:enrollment_application_export", args=[fmt])
    response = admin_client.get(f"{url}?{query}")
    assert response.status_code == listed.status_code
    if listed.status_code == 302:
        assert response["Location"] == listed["Location"]


def expected_row(application: Application) -> list[str]:
    """A row of the CSV file as the models show the application."""
    applicant = application.applicant
    moscow = zoneinfo.ZoneInfo("Europe/Moscow")
    return [
        applicant.full_name,
        applicant.birth_date.strftime("%d.%m.%Y"),
        applicant.get_sex_display(),
        applicant.phone.as_e164,
        applicant.email,
        applicant.municipality,
        applicant.get_education_level_display(),
        ", ".join(str(category) for category in applicant.categories.all()),
        format_snils(applicant.snils),
        application.cohort.program.direction.name,
        application.cohort.program.title,
        application.cohort.code,
        application.cohort.starts_on.strftime("%d.%m.%Y"),
        application.get_status_display(),
        application.submitted_at.astimezone(moscow).strftime("%d.%m.%Y %H:%M"),
        application.status_changed_at.astimezone(moscow).strftime("%d.%m.%Y %H:%M"),
    ]


def test_rows_read_in_chunks_are_all_there_in_order_with_their_categories(
    monkeypatch, cohort
):
    categories = list(LearnerCategory.objects.order_by("pk"))
    other_cohort = CohortFactory()
    for n in range(7):
        submit(
            cohort if n % 3 else other_cohort,
            last_name=f"Фамилия{n}",
            patronymic="" if n == 2 else "Петрович",
            snils="",
            categories=categories[n % 4 : n % 4 + n % 3],
        )
    # Chunks of 3 rows: cohorts and categories are read again at each one.
    monkeypatch.setattr(export_columns, "CHUNK_SIZE", 3)

    with CaptureQueriesContext(connection) as context:
        rows = csv_rows(csv_response(Application.objects.all(), filename="a.csv"))
    xlsx = list(
        xlsx_sheet(
            xlsx_response(Application.objects.all(), filename="a", sheet_title="a")
        ).iter_rows(min_row=2, values_only=True)
    )

    applications = Application.objects.order_by("pk").select_related(
        "applicant", "cohort__program__direction"
    )
    assert rows[1:] == [expected_row(application) for application in applications]
    assert [row[0] for row in xlsx] == [row[0] for row in rows[1:]]
    assert [row[7] or "" for row in xlsx] == [row[7] for row in rows[1:]]
    # 7 rows in 3 chunks: the categories' names and the rows read once each,
    # then at most two queries per chunk.
    assert len(context.captured_queries) <= 2 + 2 * 3


def test_csv_quotes_cells_with_the_delimiter_a_quote_or_a_line_break(application):
    Applicant.objects.filter(pk=application.applicant_id).update(
        municipality='г. Энск; "Центр"\nул. Ленина', email="a;b@example.org"
    )

    text = body(csv_response(Application.objects.all(), filename="a.csv")).decode()

    assert '"г. Энск; ""Центр""\nул. Ленина"' in text
    row = csv_rows(csv_response(Application.objects.all(), filename="a.csv"))[1]
    assert (row[4], row[5]) == ("a;b@example.org", 'г. Энск; "Центр"\nул. Ленина')
    assert len(row) == len(EXPORT_COLUMNS)


def test_a_phone_stored_as_typed_reads_as_the_model_shows_it(application):
    # Not a valid number: the field keeps it as typed.
    Applicant.objects.filter(pk=application.applicant_id).update(phone="8 (912) 34")
    applicant = Applicant.objects.get(pk=application.applicant_id)

    row = csv_rows(csv_response(Application.objects.all(), filename="a.csv"))[1]

    assert row[3] == applicant.phone.as_e164


def test_xlsx_drops_control_characters_and_keeps_times_to_the_millisecond(
    application,
):
    Applicant.objects.filter(pk=application.applicant_id).update(
        last_name="Щер\x01бакова", municipality="Сысерть\x1f"
    )
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=datetime.datetime(2025, 3, 2, 21, 5, 7, 250000, tzinfo=UTC)
    )

    response = xlsx_response(
        Application.objects.all(), filename="a.xlsx", sheet_title="Заявки"
    )

    row = next(xlsx_sheet(response).iter_rows(min_row=2, max_row=2))
    assert row[0].value == "Щербакова Ольга Юрьевна"
    assert row[5].value == "Сысерть"
    assert row[15].value == datetime.datetime(2025, 3, 3, 0, 5, 7, 250000)
    # The CSV file keeps the text as it is.
    csv_row = csv_rows(csv_response(Application.objects.all(), filename="a.csv"))[1]
    assert csv_row[0] == "Щер\x01бакова Ольга Юрьевна"


def test_an_empty_export_has_the_header_alone(cohort):
    with translation.override("en"):
        rows = csv_rows(csv_response(Application.objects.all(), filename="a.csv"))
        sheet = xlsx_sheet(
            xlsx_response(Application.objects.all(), filename="a", sheet_title="a")
        )

    assert rows == [ENGLISH_HEADERS]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ENGLISH_HEADERS
    ]
