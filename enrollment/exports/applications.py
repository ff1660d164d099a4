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

import csv
from collections.abc import Iterator
from typing import BinaryIO

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.exports import PROGRESS_EVERY, Progress
from enrollment.models import Application

from .cells import (
    csv_text,
    defuse_formula,
    file_response,
    header_row,
    removing_temporary_file,
    safe_sheet_title,
    xlsx_cell,
)
from .columns import (
    CSV_DELIMITER,
    CSV_PIECE_CHARS,
    EXPORT_COLUMNS,
    FREE_TEXT,
    WIDTHS,
    applications_in_chunks,
)


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
        for done, application in enumerate(applications_in_chunks(queryset), start=1):
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
            cells = []
            for (_header, getter), guard in zip(EXPORT_COLUMNS, guarded, strict=True):
                text = csv_text(getter(application))
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


def xlsx_response(
    queryset: QuerySet[Application], *, filename: str, sheet_title: str
) -> FileResponse:
    """Write the applications of ``queryset`` to an XLSX file and send it."""
    return file_response(
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
    sheet = workbook.create_sheet(title=safe_sheet_title(sheet_title))
    # Column widths and panes must be set before the first row is written.
    for index, (_header, getter) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(getter, 14)
    sheet.freeze_panes = "A2"
    with removing_temporary_file(sheet):
        sheet.append(header_row(sheet, (header for header, _getter in EXPORT_COLUMNS)))
        rows = 0
        for application in applications_in_chunks(queryset):
            sheet.append(
                [xlsx_cell(sheet, getter(application)) for _h, getter in EXPORT_COLUMNS]
            )
            rows += 1
            if progress and rows % PROGRESS_EVERY == 0:
                progress(rows, total)
        last_column = get_column_letter(len(EXPORT_COLUMNS))
        sheet.auto_filter.ref = f"A1:{last_column}{rows + 1}"
        workbook.save(out)
