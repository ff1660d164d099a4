"""Exports for the staff: applications as CSV and XLSX (``applications``),
the roster and the register of issued documents (``records``), with memory
that stays flat however many rows; what they show (``columns``) and how a
spreadsheet shows it (``cells``)."""

from .applications import (
    csv_response,
    write_applications_csv,
    write_applications_xlsx,
    xlsx_response,
)
from .cells import XLSX_CONTENT_TYPE, defuse_formula
from .columns import EXPORT_COLUMNS
from .records import (
    register_xlsx_response,
    roster_queryset,
    roster_xlsx_response,
    write_register_xlsx,
    write_roster_xlsx,
)

__all__ = [
    "EXPORT_COLUMNS",
    "XLSX_CONTENT_TYPE",
    "csv_response",
    "defuse_formula",
    "register_xlsx_response",
    "roster_queryset",
    "roster_xlsx_response",
    "write_applications_csv",
    "write_applications_xlsx",
    "write_register_xlsx",
    "write_roster_xlsx",
    "xlsx_response",
]
