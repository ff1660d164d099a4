"""Background work of the site: the report by e-mail, large report exports."""

from __future__ import annotations

import datetime

from django.http import QueryDict
from django.utils import translation
from django_tasks import task

from core.exports import run_export
from enrollment import register
from enrollment.exports import write_register_xlsx

from .reports import ReportForm
from .reports.subscriptions import send_due_reports


@task()
def send_scheduled_reports() -> int:
    """E-mail the subscribers their report for the period just ended (daily)."""
    return send_due_reports()


@task(queue_name="exports")
def export_register(*, export_id: int, query: str, today: str, language: str) -> str:
    """Write the register of issued documents for the report's period and
    filters, in the template the query names (``query``, as the page had it),
    to export ``export_id``."""
    params = QueryDict(query)
    form = ReportForm(params)
    day = datetime.date.fromisoformat(today)
    template = params.get("template", register.PO)
    with translation.override(language):
        return run_export(
            export_id,
            lambda out, progress: write_register_xlsx(
                form.completions(day),
                form.duplicates(day),
                out,
                template=template,
                progress=progress,
            ),
        )
