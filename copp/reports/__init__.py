"""The managers' report: its period and filters (``period``), its panels
(``panels``, one function each), their tables (``tables``) and its workbook
(``xlsx``)."""

from .panels import PANELS, Report, build_report
from .period import Period, ReportForm, period_of_days, preset_days
from .tables import Table
from .xlsx import report_xlsx

__all__ = [
    "PANELS",
    "Period",
    "Report",
    "ReportForm",
    "Table",
    "build_report",
    "period_of_days",
    "preset_days",
    "report_xlsx",
]
