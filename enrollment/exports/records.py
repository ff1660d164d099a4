"""The roster of a cohort and the register of issued documents (ФИС ФРДО)."""

from __future__ import annotations

from typing import BinaryIO

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.exports import PROGRESS_EVERY, Progress
from enrollment import register
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

# The official templates' data sheet.
REGISTER_SHEET = "Шаблон"


def register_xlsx_response(
    completions: QuerySet, duplicates: QuerySet, *, template: str, filename: str
) -> FileResponse:
    """The documents issued, in the official template of ``template`` (ПО or
    ДПО), as an XLSX file."""
    return file_response(
        lambda out: write_register_xlsx(
            completions, duplicates, out, template=template
        ),
        filename=filename,
    )


def write_register_xlsx(
    completions: QuerySet,
    duplicates: QuerySet,
    out: BinaryIO,
    *,
    template: str,
    progress: Progress | None = None,
) -> None:
    """Write the register of ``template`` to ``out``: the template's sheet,
    its headers in row 1 exactly as the template has them, a document a row."""
    total = (completions.count() + duplicates.count()) if progress else 0
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=REGISTER_SHEET)
    with removing_temporary_file(sheet):
        sheet.append(header_row(sheet, register.headers(template)))
        rows = register.register_rows(completions, duplicates, template)
        for done, row in enumerate(rows, start=1):
            sheet.append([xlsx_cell(sheet, value) for value in row.values])
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
        workbook.save(out)
