"""The managers' dashboard on PostgreSQL with many applications.

Seeds N demo applications (default 1,000,000; --quick 5,000), then times the
whole dashboard for "all time" in-process (server time, median of 3) beside one
hand-written SQL query computing the funnel over the same rows, and prints the
ratio and the number of SQL queries of the page.

    .venv/bin/python bench/reports.py
    .venv/bin/python bench/reports.py --quick
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import prepare

FUNNEL_SQL = """
SELECT count(*) AS submitted,
       count(*) FILTER (WHERE reached_review) AS reviewed,
       count(*) FILTER (WHERE reached_offer) AS offered,
       count(*) FILTER (WHERE reached_enrolment) AS enrolled,
       count(*) FILTER (WHERE reached_completion) AS completed
FROM enrollment_application
"""

# The same figures from the status history, as a check of the flags.
HISTORY_FUNNEL_SQL = """
SELECT count(*) AS submitted,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM enrollment_statuschange h
           WHERE h.application_id = a.id AND h.to_status IN
           ('in_review', 'waitlisted', 'offered', 'rejected', 'enrolled'))) AS reviewed,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM enrollment_statuschange h
           WHERE h.application_id = a.id AND h.to_status = 'offered')) AS offered,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM enrollment_statuschange h
           WHERE h.application_id = a.id AND h.to_status = 'enrolled')) AS enrolled,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM enrollment_statuschange h
           WHERE h.application_id = a.id AND h.to_status = 'completed')) AS completed
FROM enrollment_application a
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--applications", type=int, default=1_000_000)
    args = parser.parse_args()
    count = 5_000 if args.quick else args.applications

    prepare("--applications", str(count))
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from enrollment.models import Application

    setup_test_environment()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    client.get("/reports/")  # warm up
    page_times, queries = [], 0
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/reports/")
            page_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    from programs.models import Direction

    direction = Direction.objects.order_by("pk").first()
    other_views = {}
    from programs.models import FundingSource

    federal = FundingSource.objects.get(code="federal")
    for label, query in [
        ("this year", "?preset=year"),
        ("by week, all time", "?group=week"),
        ("one direction", f"?direction={direction.pk}"),
        ("the federal stream", f"?funding={federal.pk}"),
    ]:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            response = client.get("/reports/" + query)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        other_views[label] = statistics.median(times)
    sql_times = []
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(FUNNEL_SQL)
            funnel = cursor.fetchone()
            sql_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        cursor.execute(HISTORY_FUNNEL_SQL)
        from_history = cursor.fetchone()
        history_time = time.perf_counter() - started
    page, sql = statistics.median(page_times), statistics.median(sql_times)
    total = Application.objects.count()
    print(f"\nDashboard, all time, PostgreSQL, {total} applications (median of 3)")
    print(
        f"  whole page (server time)       {page * 1000:8.0f} ms, {queries} SQL queries"
    )
    print(f"  hand-written funnel SQL        {sql * 1000:8.0f} ms  -> {funnel}")
    print(f"  ratio page / one SQL query     {page / sql:8.1f}")
    for label, seconds in other_views.items():
        print(f"  page, {label:<24}{seconds * 1000:8.0f} ms")
    print(
        f"  the funnel from the history    {history_time * 1000:8.0f} ms  -> {from_history}"
        f" ({'same' if tuple(from_history) == tuple(funnel) else 'DIFFERENT'})"
    )
    register_figures(client)
    if tuple(from_history) != tuple(funnel):
        sys.exit("the funnel flags disagree with the status history")


def register_figures(client) -> None:
    """The ФИС ФРДО register: its check page and its file, for the last
    month and for this year, in each template."""
    import datetime
    import io

    import openpyxl
    from django.conf import settings
    from django.utils import timezone

    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    print("\nThe ФИС ФРДО register (server time)")
    for label, period in [
        (
            "last month",
            f"date_from={last_month}&date_to={today.replace(day=1) - datetime.timedelta(days=1)}",
        ),
        ("this year", "preset=year"),
    ]:
        for template in ("po", "dpo"):
            query = f"/reports/?{period}&template={template}"
            started = time.perf_counter()
            response = client.get(query + "&format=register-check")
            check = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            rows, problems = response.context["rows"], response.context["with_problems"]
            line = (
                f"  {label:<11} {template.upper():<4} {rows:>7} documents, "
                f"{problems:>5} lacking a field; check {check * 1000:6.0f} ms"
            )
            if rows <= settings.EXPORT_IN_BACKGROUND_ROWS:
                started = time.perf_counter()
                response = client.get(query + "&format=register")
                content = b"".join(response.streaming_content)
                took = time.perf_counter() - started
                book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
                written = sum(1 for _row in book["Шаблон"].iter_rows()) - 1
                line += f", file {took * 1000:6.0f} ms ({written} rows)"
            else:
                line += ", file: in the background (My exports)"
            print(line)


if __name__ == "__main__":
    main()
