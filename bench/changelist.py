"""The staff's application list on PostgreSQL with many applications.

Seeds N demo applications (default 1,000,000; --quick 5,000), then times the
admin changelist in-process (Django test client, server time only, without the
test framework's template instrumentation, which production does not have):
the plain list, searches by last name, e-mail, phone and СНИЛС fragments, two
words and a filter. Prints the median of 5 runs, the number of SQL queries of
each, the rows on the page, the number of rows found as the list states it,
and a digest of the page's rows (the same rows give the same digest). With
--verbose, each case's slowest SQL queries and the plan of the slowest one
(EXPLAIN ANALYZE).

    .venv/bin/python bench/changelist.py
    .venv/bin/python bench/changelist.py --quick
    .venv/bin/python bench/changelist.py --verbose
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import prepare

RUNS = 5
SLOWEST = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print each case's slowest SQL queries and the plan of the slowest",
    )
    args = parser.parse_args()
    count = 5_000 if args.quick else args.applications

    prepare("--applications", str(count))
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        CaptureQueriesContext,
        setup_test_environment,
        teardown_test_environment,
    )

    from enrollment.models import Applicant, Application

    # Fresh statistics after the seeding, as autovacuum keeps them on a live site.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    sample = Applicant.objects.order_by("pk")[count // 2]
    # Not everyone gives a СНИЛС: the nearest applicant who did.
    with_snils = (
        Applicant.objects.exclude(snils="").filter(pk__gte=sample.pk).order_by("pk")
    ).first()
    url = "/admin/enrollment/application/"
    cases = [
        ("list, newest first", {}),
        ("search: last name", {"q": sample.last_name}),
        ("search: e-mail fragment", {"q": sample.email.split("@")[0]}),
        ("search: phone fragment", {"q": str(sample.phone)[-7:]}),
        ("search: СНИЛС", {"q": with_snils.snils}),
        ("search: two words", {"q": f"{sample.last_name} {sample.first_name}"}),
        ("filter: status", {"status__exact": "waitlisted"}),
    ]
    total = Application.objects.count()
    print(
        f"\nAdmin changelist on PostgreSQL, {total} applications "
        f"(server time, median of {RUNS})"
    )
    print(f"{'case':<28}{'ms':>8}{'queries':>9}{'rows':>6}  {'found':>9}  rows' digest")
    details = []
    for name, params in cases:
        times = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            # Read now: the next request clears the connection's query log.
            captured = queries.captured_queries
        # One more request, not timed, for the list the page was made of.
        setup_test_environment()
        try:
            changelist = client.get(url, params).context["cl"]
        finally:
            teardown_test_environment()
        pks = [application.pk for application in changelist.result_list]
        digest = hashlib.sha256(repr(pks).encode()).hexdigest()[:10]
        print(
            f"{name:<28}{statistics.median(times):>8.0f}{len(captured):>9}"
            f"{len(pks):>6}{changelist.result_count:>9}  {digest}"
        )
        details.append((name, params, captured))
    if args.verbose:
        for name, params, captured in details:
            print_slowest(connection, name, params, captured)


def print_slowest(connection, name: str, params: dict, captured: list) -> None:
    """The case's slowest queries (of its last run) and the plan of the slowest."""
    slowest = sorted(captured, key=lambda query: float(query["time"]), reverse=True)
    print(f"\n== {name} {params or ''}")
    for query in slowest[:SLOWEST]:
        sql = " ".join(query["sql"].split())
        print(f"  {float(query['time']) * 1000:7.1f} ms  {sql[:300]}")
    if slowest and slowest[0]["sql"].lstrip().upper().startswith("SELECT"):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[0]["sql"])
            print("  EXPLAIN ANALYZE of the slowest:")
            for (line,) in cursor.fetchall():
                print(f"    {line}")


if __name__ == "__main__":
    main()
