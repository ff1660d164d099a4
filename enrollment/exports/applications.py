"""Applications as CSV and XLSX files for the staff, fast and with flat memory.

The rows are read as plain values, a chunk at a time, their labels looked up
in dictionaries made once per export (``columns.application_rows``); each
column's values are then formatted by a function chosen once per export, not
by a test of each cell's type.

* CSV is streamed in pieces of CSV_PIECE_ROWS rows, written as ``csv.writer``
  writes them (``csv_lines``).
* XLSX is a zip file and cannot be streamed as it is made. rustpy-xlsxwriter
  (rust_xlsxwriter in its constant-memory mode) takes the rows as they are read
  and writes the file to a temporary folder; it is then copied to the output
  (for a response, a spool kept in memory up to ``XLSX_SPOOL_BYTES``).

These functions take no request: the caller filters the queryset and checks
the permission, they return the response.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from rustpy_xlsxwriter import Format, write_worksheet

from core.exports import Progress
from enrollment.models import Application

from .cells import (
    XLSX_DATE_FORMAT,
    XLSX_DATETIME_FORMAT,
    csv_date,
    csv_moment,
    csv_text,
    defuse_formula,
    file_response,
    safe_sheet_title,
    xlsx_moment,
    xlsx_text,
    xlsx_value,
)
from .columns import (
    CSV_DELIMITER,
    DATES,
    EXPORT_COLUMNS,
    FREE_TEXT,
    MOMENTS,
    TEXT,
    WIDTHS,
    RowGetter,
    application_rows,
)

Formatter = Callable[[Any], Any]
# A CSV response is sent in pieces of this many rows.
CSV_PIECE_ROWS = 500
# The XLSX file is copied to the output in blocks of this size.
COPY_BYTES = 64 * 1024


def formatted_rows(
    queryset: QuerySet[Application],
    columns: list[tuple[Promise, RowGetter]],
    formatter: Callable[[RowGetter], Formatter | None],
) -> Iterator[list[tuple[Any, ...]]]:
    """The cells of ``columns`` for the applications of ``queryset``, a chunk
    of rows at a time; ``formatter(getter)`` says once per column how its
    values are shown (None: as they are).

    A chunk is made column by column: ``map()`` calls each getter and formatter
    with no Python loop around the call, then ``zip()`` turns the columns into
    rows.
    """
    getters = [getter for _header, getter in columns]
    formats = [formatter(getter) for getter in getters]
    for chunk in application_rows(queryset):
        cells = [
            list(map(format_, map(get, chunk))) if format_ else list(map(get, chunk))
            for get, format_ in zip(getters, formats, strict=True)
        ]
        # One chunk at a time: nothing of it is kept once handed out.
        del chunk
        rows = list(zip(*cells, strict=True))
        del cells
        yield rows
        del rows


# --- CSV -------------------------------------------------------------------------


def csv_formatter(getter: RowGetter) -> Formatter | None:
    """How a CSV file shows the values of a column (text as it is: the writer
    leaves None empty)."""
    if getter in DATES:
        return csv_date
    if getter in MOMENTS:
        return csv_moment
    if getter in FREE_TEXT:
        return defuse_formula
    if getter in TEXT:
        return None
    return csv_text


class _Echo:
    """A file-like object whose write() hands back what it was given."""

    def write(self, value: str) -> str:
        return value


# csv.writer (QUOTE_MINIMAL) quotes a cell only when it holds the delimiter, a
# quote or a line break.
NEEDS_QUOTES = re.compile(r'["\r\n]')


def csv_lines(rows: list[tuple[Any, ...]], writer: Any) -> str:
    """The lines ``writer`` (a ``csv.writer`` over ``_Echo``) writes for ``rows``.

    A row whose cells are all text and need no quoting is joined directly: the
    same line, several times as fast as the writer, which copies each character
    on its own (it took a quarter of the export's time). Any other row is the
    writer's.
    """
    lines = []
    for cells in rows:
        try:
            line = CSV_DELIMITER.join(cells)
        except TypeError:  # a cell that is not text (None): the writer's rules
            line = ""
        if (
            line
            and line.count(CSV_DELIMITER) == len(cells) - 1
            and not NEEDS_QUOTES.search(line)
        ):
            lines.append(line)
            lines.append("\r\n")
        else:
            lines.append(writer.writerow(cells))
    return "".join(lines)


def _csv_pieces(
    queryset: QuerySet[Application],
    language: str,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    total = queryset.count() if progress else 0
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    # The response is consumed after the view has returned: keep its language.
    with translation.override(language):
        # The BOM tells Excel the file is UTF-8 (Cyrillic would be mojibake).
        header = "\ufeff" + writer.writerow([str(h) for h, _getter in EXPORT_COLUMNS])
        done = 0
        for lines in formatted_rows(queryset, EXPORT_COLUMNS, csv_formatter):
            # Pieces of CSV_PIECE_ROWS rows: a few hundred kilobytes each.
            for start in range(0, len(lines), CSV_PIECE_ROWS):
                text = csv_lines(lines[start : start + CSV_PIECE_ROWS], writer)
                yield (header + text).encode()
                header = ""
            done += len(lines)
            del lines  # before the next chunk is read
            if progress:
                progress(done, total)
        if header:
            yield header.encode()


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


def xlsx_formatter(getter: RowGetter) -> Formatter | None:
    """What the XLSX writer is given for the values of a column: dates as they
    are, moments as Excel's numbers (the column's format shows them), text
    without control characters."""
    if getter in DATES:
        return None
    if getter in MOMENTS:
        return xlsx_moment
    if getter in TEXT:
        return xlsx_text
    return xlsx_value


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
    """Write the applications of ``queryset`` to ``out`` as an XLSX workbook
    (a bold header that stays in view, a filter, dates as dates), calling
    ``progress(done, total)`` as it goes."""
    total = queryset.count() if progress else 0
    columns = EXPORT_COLUMNS
    headers = [str(header) for header, _getter in columns]
    date, moment = (
        Format().set_num_format(XLSX_DATE_FORMAT),
        Format().set_num_format(XLSX_DATETIME_FORMAT),
    )
    formats = {
        header: date if getter in DATES else moment
        for header, (_header, getter) in zip(headers, columns, strict=True)
        if getter in DATES or getter in MOMENTS
    }

    def records() -> Iterator[dict[str, Any]]:
        # The writer takes the headers from the keys of each row.
        done = 0
        for lines in formatted_rows(queryset, columns, xlsx_formatter):
            for cells in lines:
                yield dict(zip(headers, cells, strict=True))
            done += len(lines)
            del lines  # before the next chunk is read
            if progress:
                progress(done, total)
        if not done:
            yield dict.fromkeys(headers)  # no cells: the header row alone

    # To a file, then copied: given a stream, the writer would keep the whole
    # file in memory. The folder goes, with whatever is in it, however the
    # export ends.
    with tempfile.TemporaryDirectory(prefix="copp-export-") as folder:
        path = os.path.join(folder, "applications.xlsx")
        write_worksheet(
            records(),
            path,
            sheet_name=safe_sheet_title(sheet_title),
            freeze_row=1,
            bold_headers=True,
            autofilter=True,
            column_widths=[float(WIDTHS.get(getter, 14)) for _h, getter in columns],
            column_formats=formats,
        )
        with open(path, "rb") as made:
            shutil.copyfileobj(made, out, COPY_BYTES)
