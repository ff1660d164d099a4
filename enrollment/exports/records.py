"""The roster of a cohort and the register of issued documents (ФИС ФРДО)."""

from __future__ import annotations

from typing import Any, BinaryIO

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.exports import PROGRESS_EVERY, Progress
from core.identifiers import format_snils
from enrollment.models import Application
from programs.models import Cohort

from .cells import (
    DATE_FORMAT,
    file_response,
    header_row,
    removing_temporary_file,
    safe_sheet_title,
    xlsx_cell,
)
from .columns import (
    CHUNK_SIZE,
    ROSTER_STATUSES,
    Getter,
    birth_date,
    email,
    full_name,
    phone,
    snils,
    status,
)


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
    (_("Full name"), full_name, 40),
    (_("Date of birth"), birth_date, 14),
    (_("Phone"), phone, 16),
    (_("E-mail"), email, 30),
    (_("СНИЛС"), snils, 16),
    (_("Status"), status, 18),
]


def roster_xlsx_response(cohort: Cohort) -> FileResponse:
    """Send the roster of ``cohort`` (admitted learners) as an XLSX file."""
    return file_response(
        lambda out: write_roster_xlsx(cohort, out),
        filename=f"roster-{cohort.code}.xlsx",
    )


def write_roster_xlsx(cohort: Cohort, out: BinaryIO) -> None:
    """Write the roster of ``cohort`` to ``out`` as an XLSX workbook."""
    program = cohort.program
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_sheet_title(cohort.code))
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
    with removing_temporary_file(sheet):
        sheet.append([xlsx_cell(sheet, title, bold=True)])
        sheet.append(
            header_row(sheet, [_("No."), *(h for h, _g, _w in ROSTER_COLUMNS)])
        )
        number = 0
        learners = roster_queryset(cohort).iterator(chunk_size=CHUNK_SIZE)
        for number, application in enumerate(learners, start=1):
            sheet.append(
                [
                    number,
                    *(
                        xlsx_cell(sheet, getter(application))
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
    return file_response(
        lambda out: write_register_xlsx(completions, out), filename=filename
    )


def write_register_xlsx(
    completions: QuerySet, out: BinaryIO, *, progress: Progress | None = None
) -> None:
    """Write the register of ``completions`` to ``out``, with progress."""
    total = completions.count() if progress else 0
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_sheet_title(str(_("Issued documents"))))
    with removing_temporary_file(sheet):
        sheet.append(
            header_row(sheet, [header for header, _getter in REGISTER_COLUMNS])
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
                    xlsx_cell(sheet, getter(completion))
                    for _h, getter in REGISTER_COLUMNS
                ]
            )
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
        workbook.save(out)
