"""The staff's application list on PostgreSQL with many applications.

Seeds N demo applications (default 100,000; --quick 5,000), then times the
admin changelist in-process (Django test client, server time only): the plain
list, searches by last name, e-mail, phone and СНИЛС fragments, and a filter,
printing the median of 5 runs and the number of SQL queries of each.

    .venv/bin/python bench/changelist.py
    .venv/bin/python bench/changelist.py --quick
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--applications", type=int, default=100_000)
    args = parser.parse_args()
    count = 5_000 if args.quick else args.applications

    prepare("--applications", str(count))
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from enrollment.models import Applicant, Application

    setup_test_environment()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    sample = Applicant.objects.order_by("pk")[count // 2]
    url = "/admin/enrollment/application/"
    cases = [
        ("list, newest first", {}),
        ("search: last name", {"q": sample.last_name}),
        ("search: e-mail fragment", {"q": sample.email.split("@")[0]}),
        ("search: phone fragment", {"q": str(sample.phone)[-7:]}),
        ("search: СНИЛС", {"q": sample.snils or "000"}),
        ("search: two words", {"q": f"{sample.last_name} {sample.first_name}"}),
        ("filter: status", {"status__exact": "waitlisted"}),
    ]
    total = Application.objects.count()
    print(
        f"\nAdmin changelist on PostgreSQL, {total} applications (server time, median of 5)"
    )
    print(f"{'case':<28}{'ms':>8}{'queries':>9}{'rows':>8}")
    for name, params in cases:
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        rows = len(response.context["cl"].result_list)
        print(f"{name:<28}{statistics.median(times):>8.0f}{len(queries):>9}{rows:>8}")


if __name__ == "__main__":
    main()
