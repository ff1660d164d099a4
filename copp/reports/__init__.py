"""The managers' report: its period and filters (``period``), its panels
(``panels``, one function each) and its workbook (``xlsx``)."""

from .panels import PANELS, Report, Table, build_report
from .period import Period, ReportForm, period_of_days, preset_days
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
