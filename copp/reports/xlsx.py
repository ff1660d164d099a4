"""The report, or one panel of it, as an XLSX workbook."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .tables import Month, Share, Table

# Excel forbids these characters in a sheet's name, and allows 31 characters.
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
FORMATS: list[tuple[type, str]] = [
    # Most specific first: a Share is a float, a Month a date.
    (Share, "0.0%"),
    (Month, "mm.yyyy"),
    (datetime.datetime, "dd.mm.yyyy hh:mm"),
    (datetime.date, "dd.mm.yyyy"),
    (int, "0"),
]

About = Sequence[tuple[str, "str | datetime.datetime"]]


def number_format(value: object) -> str | None:
    for kind, code in FORMATS:
        if isinstance(value, kind):
            return code
    return None


def sheet_name(table: Table, taken: set[str]) -> str:
    """The table's short name, safe for Excel and unique in the workbook."""
    name = FORBIDDEN.sub(" ", table.sheet or table.title).strip()
    name = name[:SHEET_NAME_LENGTH].strip()
    unique, n = name, 2
    while unique.casefold() in taken:
        suffix = f" ({n})"
        unique = name[: SHEET_NAME_LENGTH - len(suffix)].strip() + suffix
        n += 1
    taken.add(unique.casefold())
    return unique


def append(sheet: Worksheet, values: Sequence[object]) -> None:
    """A row of typed cells: numbers and dates stay numbers and dates, each
    with the format that shows it as the page does."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        code = number_format(cell.value)
        if code:
            cell.number_format = code


def write_table(sheet: Worksheet, table: Table, about: About) -> None:
    """The title, what the figures are about (period, filters, when made), the
    headers, the rows."""
    sheet.append([table.title])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    for label, value in about:
        append(sheet, [label, value])
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(horizontal="left")
    sheet.append([])
    sheet.append(table.headers)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        append(sheet, row)
    if table.note:
        sheet.append([])
        sheet.append([table.note])
        sheet.cell(row=sheet.max_row, column=1).font = Font(italic=True)
    # The headers stay in sight while the rows scroll.
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.column_dimensions["A"].width = 48
    for column in range(2, max(len(table.headers), 2) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 18


def report_xlsx(tables: list[Table], *, about: About = ()) -> bytes:
    """Each panel on its own sheet, with the same numbers as the page; ``about``
    (label and value: the period, the filters, when it was made) on top of
    each sheet."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(title=sheet_name(table, taken))
        write_table(sheet, table, about)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
