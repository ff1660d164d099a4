"""Applications as CSV and XLSX files for the staff, with memory that stays flat.

Rows are read with ``QuerySet.iterator(chunk_size=...)``: one query for the
applications (a server-side cursor on PostgreSQL) and one for the learner
categories per chunk, so neither the number of queries nor the memory grows
with the number of rows.

* CSV is streamed: each row is written to the response as it is read.
* XLSX is a zip file and cannot be streamed as it is made; openpyxl's
  write-only workbook writes the rows to a temporary file on disk and the zip is
  spooled to another (in memory up to ``XLSX_SPOOL_BYTES``), which the response
  then sends.

These functions take no request: the caller filters the queryset and checks
the permission, they return the response.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import functools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from django.db.models import QuerySet, TextChoices
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from phonenumber_field.phonenumber import PhoneNumber

from core.exports import PROGRESS_EVERY, Progress
from core.identifiers import format_snils
from enrollment.models import Application, ApplicationStatus, Sex
from programs.models import CategoryCode, Cohort, EducationLevel

Value = str | datetime.date | datetime.datetime | None
Getter = Callable[[Application], Value]

CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_SPOOL_BYTES = 8 * 1024 * 1024
# A CSV response sends rows in pieces of about this size, not one write per row.
CSV_PIECE_CHARS = 64 * 1024
CSV_DELIMITER = ";"  # what Excel with Russian regional settings expects
DATE_FORMAT = "%d.%m.%Y"
DATETIME_FORMAT = "%d.%m.%Y %H:%M"
XLSX_DATE_FORMAT = "DD.MM.YYYY"
XLSX_DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
# A spreadsheet takes a cell starting with one of these for a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

ROSTER_STATUSES = (
    ApplicationStatus.ENROLLED,
    ApplicationStatus.STUDYING,
    ApplicationStatus.COMPLETED,
    ApplicationStatus.EXPELLED,
)


# --- Columns -----------------------------------------------------------------


@functools.cache
def _cached_label(language: str | None, choices: type[TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _label(choices: type[TextChoices], value: str) -> str:
    """The translated label of a choice.

    ``get_FOO_display()`` rebuilds and hashes the whole list of choices on every
    call (a third of the export's time); a few labels per language are cached.
    """
    return _cached_label(translation.get_language(), choices, value)


def _full_name(application: Application) -> str:
    return application.applicant.full_name


def _birth_date(application: Application) -> datetime.date:
    return application.applicant.birth_date


def _sex(application: Application) -> str:
    return _label(Sex, application.applicant.sex)


def _phone(application: Application) -> str:
    phone = application.applicant.phone
    # Not ``if phone``: the truth test of a PhoneNumber formats it once more.
    if isinstance(phone, PhoneNumber):
        return phone.as_e164
    return phone or ""


def _email(application: Application) -> str:
    return application.applicant.email


def _municipality(application: Application) -> str:
    return application.applicant.municipality


def _education(application: Application) -> str:
    return _label(EducationLevel, application.applicant.education_level)


def _categories(application: Application) -> str:
    # .all() reads the prefetched rows; no query per application.
    return ", ".join(
        _label(CategoryCode, category.code)
        for category in application.applicant.categories.all()
    )


def _snils(application: Application) -> str:
    return format_snils(application.applicant.snils)


def _direction(application: Application) -> str:
    return application.cohort.program.direction.name


def _program(application: Application) -> str:
    return application.cohort.program.title


def _cohort_code(application: Application) -> str:
    return application.cohort.code


def _cohort_starts_on(application: Application) -> datetime.date:
    return application.cohort.starts_on


def _status(application: Application) -> str:
    return _label(ApplicationStatus, application.status)


def _submitted_at(application: Application) -> datetime.datetime:
    return application.submitted_at


def _status_changed_at(application: Application) -> datetime.datetime:
    return application.status_changed_at


EXPORT_COLUMNS: list[tuple[Promise, Getter]] = [
    (_("Full name"), _full_name),
    (_("Date of birth"), _birth_date),
    (_("Sex"), _sex),
    (_("Phone"), _phone),
    (_("E-mail"), _email),
    (_("Municipality"), _municipality),
    (_("Education"), _education),
    (_("Learner categories"), _categories),
    (_("СНИЛС"), _snils),
    (_("Direction"), _direction),
    (_("Program"), _program),
    (_("Group"), _cohort_code),
    (_("Starts"), _cohort_starts_on),
    (_("Status"), _status),
    (_("Submitted at"), _submitted_at),
    (_("Status changed at"), _status_changed_at),
]

# Text typed by applicants or staff; the other columns are dates, digits, phone
# numbers and labels of choices, which the guard would only spoil (+7...).
FREE_TEXT: frozenset[Getter] = frozenset(
    {_full_name, _email, _municipality, _direction, _program, _cohort_code}
)

# Column widths in the XLSX file, in characters; 14 when not named.
WIDTHS: dict[Getter, int] = {
    _full_name: 36,
    _birth_date: 12,
    _sex: 10,
    _phone: 16,
    _email: 30,
    _municipality: 24,
    _education: 28,
    _categories: 30,
    _snils: 16,
    _direction: 28,
    _program: 44,
    _cohort_code: 14,
    _cohort_starts_on: 12,
    _status: 18,
    _submitted_at: 17,
    _status_changed_at: 17,
}


# --- Rows ------------------------------------------------------------------------


def export_queryset(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Return ``queryset`` with everything a row reads, in a stable order."""
    return (
        queryset.select_related(
            "applicant", "cohort", "cohort__program", "cohort__program__direction"
        )
        .prefetch_related("applicant__categories")
        .order_by("pk")
    )


def _applications(queryset: QuerySet[Application]) -> Iterator[Application]:
    # With chunk_size, prefetch_related runs once per chunk, not for all rows.
    return export_queryset(queryset).iterator(chunk_size=CHUNK_SIZE)


def _local(value: datetime.datetime) -> datetime.datetime:
    """Moscow wall-clock time (settings.TIME_ZONE), whatever zone is active."""
    return timezone.localtime(value, timezone.get_default_timezone())


def defuse_formula(text: str) -> str:
    """Make a spreadsheet show ``text`` as typed rather than run it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _local(value).strftime(DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    return str(value)


class _Echo:
    """A file-like object whose write() hands back what it was given."""

    def write(self, value: str) -> str:
        return value


def _csv_pieces(
    queryset: QuerySet[Application],
    language: str,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    total = queryset.count() if progress else 0
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    guarded = [getter in FREE_TEXT for _header, getter in EXPORT_COLUMNS]
    # The response is consumed after the view has returned: keep its language.
    with translation.override(language):
        # The BOM tells Excel the file is UTF-8 (Cyrillic would be mojibake).
        lines = ["\ufeff", writer.writerow([str(h) for h, _getter in EXPORT_COLUMNS])]
        size = 0
        for done, application in enumerate(_applications(queryset), start=1):
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
            cells = []
            for (_header, getter), guard in zip(EXPORT_COLUMNS, guarded, strict=True):
                text = _csv_text(getter(application))
                cells.append(defuse_formula(text) if guard else text)
            line = writer.writerow(cells)
            lines.append(line)
            size += len(line)
            if size >= CSV_PIECE_CHARS:
                yield "".join(lines).encode()
                lines, size = [], 0
        yield "".join(lines).encode()


def write_applications_csv(
    queryset: QuerySet[Application],
    out: BinaryIO,
    *,
    progress: Progress | None = None,
) -> None:
    """Write the applications of ``queryset`` to ``out`` as CSV (a background
    export), calling ``progress(done, total)`` as it goes."""
    for piece in _csv_pieces(queryset, translation.get_language() or "ru", progress):
        out.write(piece)


def csv_response(
    queryset: QuerySet[Application], *, filename: str
) -> StreamingHttpResponse:
    """Stream the applications of ``queryset`` as a CSV file for Excel."""
    response = StreamingHttpResponse(
        _csv_pieces(queryset, translation.get_language() or "ru"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


# --- XLSX ------------------------------------------------------------------------


def _xlsx_cell(sheet: Any, value: Value, *, bold: bool = False) -> Cell | Value:
    """What to append for ``value``: dates get a Russian format, text stays text."""
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the Moscow wall-clock time, naive.
        cell = WriteOnlyCell(sheet, _local(value).replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_DATE_FORMAT
    elif isinstance(value, str):
        # Control characters make the file unreadable to Excel.
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not bold and not text.startswith("="):
            return text
        cell = WriteOnlyCell(sheet, text)
        # openpyxl would store "=..." as a formula; an explicit text cell is
        # shown as typed and never evaluated, so no prefix is needed here.
        cell.data_type = "s"
    else:
        return value
    if bold:
        cell.font = Font(bold=True)
    return cell


def _header_row(sheet: Any, headers: Iterable[Promise | str]) -> list[Cell | Value]:
    return [_xlsx_cell(sheet, str(header), bold=True) for header in headers]


@contextlib.contextmanager
def _removing_temporary_file(sheet: Any) -> Iterator[None]:
    """Delete openpyxl's temporary file of ``sheet`` if the export fails.

    openpyxl deletes it when the workbook is saved or at exit, and a web
    worker lives long: each failed export would leave its rows in /tmp.
    """
    try:
        yield
    except BaseException:
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            # Close openpyxl's generators in order, or garbage collection does
            # it later and complains about the closed file.
            with contextlib.suppress(Exception):
                if sheet._rows is not None:
                    sheet._rows.close()
                writer.close()
            with contextlib.suppress(OSError):
                os.remove(writer.out)
        raise


def _file_response(write: Callable[[BinaryIO], None], *, filename: str) -> FileResponse:
    """Send what ``write`` writes, spooled to disk past XLSX_SPOOL_BYTES."""
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115
    try:
        write(spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    # The response closes the file once it has been sent.
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def xlsx_response(
    queryset: QuerySet[Application], *, filename: str, sheet_title: str
) -> FileResponse:
    """Write the applications of ``queryset`` to an XLSX file and send it."""
    return _file_response(
        lambda out: write_applications_xlsx(queryset, out, sheet_title=sheet_title),
        filename=filename,
    )


def write_applications_xlsx(
    queryset: QuerySet[Application],
    out: BinaryIO,
    *,
    sheet_title: str,
    progress: Progress | None = None,
) -> None:
    """Write the applications of ``queryset`` to ``out`` as an XLSX workbook,
    calling ``progress(done, total)`` as it goes."""
    total = queryset.count() if progress else 0
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    # Column widths and panes must be set before the first row is written.
    for index, (_header, getter) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(getter, 14)
    sheet.freeze_panes = "A2"
    with _removing_temporary_file(sheet):
        sheet.append(_header_row(sheet, (header for header, _getter in EXPORT_COLUMNS)))
        rows = 0
        for application in _applications(queryset):
            sheet.append(
                [
                    _xlsx_cell(sheet, getter(application))
                    for _h, getter in EXPORT_COLUMNS
                ]
            )
            rows += 1
            if progress and rows % PROGRESS_EVERY == 0:
                progress(rows, total)
        last_column = get_column_letter(len(EXPORT_COLUMNS))
        sheet.auto_filter.ref = f"A1:{last_column}{rows + 1}"
        workbook.save(out)


def _sheet_title(title: str) -> str:
    """Excel refuses sheet names with []:*?/\\ or longer than 31 characters."""
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in str(title))
    return cleaned[:31] or "Sheet"


def roster_queryset(cohort: Cohort) -> QuerySet[Application]:
    """The learners of ``cohort``: everyone who was admitted, by name."""
    return (
        Application.objects.filter(cohort=cohort, status__in=ROSTER_STATUSES)
        .select_related("applicant")
        .order_by(
            "applicant__last_name",
            "applicant__first_name",
            "applicant__patronymic",
            "pk",
        )
    )


ROSTER_COLUMNS: list[tuple[Promise, Getter, int]] = [
    (_("Full name"), _full_name, 40),
    (_("Date of birth"), _birth_date, 14),
    (_("Phone"), _phone, 16),
    (_("E-mail"), _email, 30),
    (_("СНИЛС"), _snils, 16),
    (_("Status"), _status, 18),
]


def roster_xlsx_response(cohort: Cohort) -> FileResponse:
    """Send the roster of ``cohort`` (admitted learners) as an XLSX file."""
    return _file_response(
        lambda out: write_roster_xlsx(cohort, out),
        filename=f"roster-{cohort.code}.xlsx",
    )


def write_roster_xlsx(cohort: Cohort, out: BinaryIO) -> None:
    """Write the roster of ``cohort`` to ``out`` as an XLSX workbook."""
    program = cohort.program
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(cohort.code))
    sheet.column_dimensions["A"].width = 6
    for index, (_header, _getter, width) in enumerate(ROSTER_COLUMNS, start=2):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    title = _("%(program)s, group %(code)s, %(starts)s – %(ends)s") % {
        "program": program.title,
        "code": cohort.code,
        "starts": cohort.starts_on.strftime(DATE_FORMAT),
        "ends": cohort.ends_on.strftime(DATE_FORMAT),
    }
    with _removing_temporary_file(sheet):
        sheet.append([_xlsx_cell(sheet, title, bold=True)])
        sheet.append(
            _header_row(sheet, [_("No."), *(h for h, _g, _w in ROSTER_COLUMNS)])
        )
        number = 0
        learners = roster_queryset(cohort).iterator(chunk_size=CHUNK_SIZE)
        for number, application in enumerate(learners, start=1):
            sheet.append(
                [
                    number,
                    *(
                        _xlsx_cell(sheet, getter(application))
                        for _h, getter, _w in ROSTER_COLUMNS
                    ),
                ]
            )
        last_column = get_column_letter(len(ROSTER_COLUMNS) + 1)
        sheet.auto_filter.ref = f"A2:{last_column}{number + 2}"
        workbook.save(out)


# --- The register of issued documents (ФИС ФРДО) -------------------------------------

REGISTER_COLUMNS: list[tuple[Promise, Any]] = [
    (_("Document"), lambda c: c.get_document_kind_display()),
    (_("Registration number"), lambda c: c.registration_number),
    (_("Blank series"), lambda c: c.blank_series),
    (_("Blank number"), lambda c: c.blank_number),
    (_("Date of issue"), lambda c: c.issued_on),
    (_("Program"), lambda c: c.application.cohort.program.title),
    (_("Hours"), lambda c: c.application.cohort.program.hours),
    (_("Qualification"), lambda c: c.qualification),
    (_("Last name"), lambda c: c.application.applicant.last_name),
    (_("First name"), lambda c: c.application.applicant.first_name),
    (_("Patronymic"), lambda c: c.application.applicant.patronymic),
    (_("Date of birth"), lambda c: c.application.applicant.birth_date),
    (_("СНИЛС"), lambda c: format_snils(c.application.applicant.snils)),
]


def register_xlsx_response(completions: QuerySet, *, filename: str) -> FileResponse:
    """The documents issued, with the fields ФИС ФРДО asks for, as an XLSX file."""
    return _file_response(
        lambda out: write_register_xlsx(completions, out), filename=filename
    )


def write_register_xlsx(
    completions: QuerySet, out: BinaryIO, *, progress: Progress | None = None
) -> None:
    """Write the register of ``completions`` to ``out``, with progress."""
    total = completions.count() if progress else 0
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(str(_("Issued documents"))))
    with _removing_temporary_file(sheet):
        sheet.append(
            _header_row(sheet, [header for header, _getter in REGISTER_COLUMNS])
        )
        rows = (
            completions.select_related(
                "application__applicant", "application__cohort__program"
            )
            .order_by("issued_on", "registration_number")
            .iterator(chunk_size=CHUNK_SIZE)
        )
        for done, completion in enumerate(rows, start=1):
            sheet.append(
                [
                    _xlsx_cell(sheet, getter(completion))
                    for _h, getter in REGISTER_COLUMNS
                ]
            )
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
        workbook.save(out)
