"""The report, or one panel of it, as an XLSX workbook."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from .panels import Table


def report_xlsx(tables: list[Table]) -> bytes:
    """Each panel on its own sheet, with the same numbers as the page."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        # Excel forbids some characters in sheet names and allows 31 of them.
        title = re.sub(r"[\[\]:*?/\\]", " ", table.title)
        sheet = book.create_sheet(title=title[:31].strip())
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
