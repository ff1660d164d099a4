"""Exports of applications (CSV and XLSX): time and peak memory on PostgreSQL.

It migrates the benchmark database, makes sure it holds at least N demo
applications (``seed_demo --applications N``), then, in this process, builds
``csv_response`` and ``xlsx_response`` over the first N applications and reads
each response chunk by chunk, as a WSGI server does, counting and discarding
the bytes. Each format runs twice: once for the time (rows per second, time to
the first byte) and once under ``tracemalloc`` for the peak of Python memory,
which must not grow with N. ``ru_maxrss`` of the process is printed before and
after each export.

    .venv/bin/python bench/export.py                      # 100,000 applications
    .venv/bin/python bench/export.py --quick              # 5,000, as CI runs it
    .venv/bin/python bench/export.py --applications 20000

BENCH_DATABASE_URL selects the database (default postgres://postgres@127.0.0.1/copp_bench).
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, ensure_database, environment, manage

MB = 1024 * 1024


@dataclass
class Run:
    rows: int
    bytes: int
    seconds: float
    first_byte: float
    peak: int | None
    maxrss_before: int
    maxrss_after: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def maxrss() -> int:
    """The process's peak resident memory so far, in bytes (Linux gives KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def consume(make: Callable, rows: int, *, trace: bool) -> Run:
    """Build a response with ``make`` and read it to the end as a server would."""
    if trace:
        tracemalloc.start()
    before = maxrss()
    started = time.perf_counter()
    response = make()
    first_byte = None
    size = 0
    for chunk in response.streaming_content:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
    response.close()
    seconds = time.perf_counter() - started
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return Run(rows, size, seconds, first_byte or seconds, peak, before, maxrss())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 applications")
    parser.add_argument("--applications", type=int, default=100_000, metavar="N")
    args = parser.parse_args()
    count = 5_000 if args.quick else args.applications

    ensure_database(database_url())
    env = environment()
    manage("migrate", "--noinput", "-v0", env=env)
    started = time.monotonic()
    manage("seed_demo", "--applications", str(count), env=env)
    seeding = time.monotonic() - started

    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
    import django

    django.setup()
    from django.utils import translation

    from enrollment.exports import csv_response, xlsx_response
    from enrollment.models import Application

    total = Application.objects.count()
    if total < count:
        sys.exit(f"seed_demo left {total} applications, {count} wanted")
    # The first N by pk, so that runs with different N compare on one database.
    pks = Application.objects.order_by("pk").values_list("pk", flat=True)
    queryset = Application.objects.filter(pk__lte=pks[count - 1])
    rows = queryset.count()
    warm_up = Application.objects.filter(pk__lte=pks[min(count, 100) - 1])

    def exports(queryset):
        return (
            ("CSV", lambda: csv_response(queryset, filename="applications.csv")),
            (
                "XLSX",
                lambda: xlsx_response(
                    queryset, filename="applications.xlsx", sheet_title="Заявки"
                ),
            ),
        )

    with translation.override("ru"):
        # Imports, translation catalogs and the connection, before measuring.
        for _name, make in exports(warm_up):
            consume(make, 0, trace=False)
        # All timed runs first: tracemalloc's own bookkeeping raises ru_maxrss.
        timed = [
            (name, consume(make, rows, trace=False)) for name, make in exports(queryset)
        ]
        traced = [consume(make, rows, trace=True) for _name, make in exports(queryset)]
        results = [
            (name, run, traced_run)
            for (name, run), traced_run in zip(timed, traced, strict=True)
        ]

    print(
        f"\nExports: {rows} applications of {total} in the database, PostgreSQL, in-process"
    )
    print(f"  command: {shlex.join(sys.orig_argv)}")
    print(f"  database: {database_url()}; seed_demo took {seeding:.1f} s")
    print(
        f"{'format':<7}{'rows':>9}{'bytes':>13}{'s':>8}{'rows/s':>9}{'1st byte s':>11}"
        f"{'peak MB':>9}{'traced s':>10}{'maxrss MB (untraced)':>24}"
    )
    for name, run, traced_run in results:
        rss = f"{run.maxrss_before / MB:.0f} → {run.maxrss_after / MB:.0f}"
        print(
            f"{name:<7}{run.rows:>9}{run.bytes:>13}{run.seconds:>8.2f}"
            f"{run.rows_per_second:>9.0f}{run.first_byte:>11.2f}"
            f"{traced_run.peak / MB:>9.1f}{traced_run.seconds:>10.2f}{rss:>24}"
        )


if __name__ == "__main__":
    main()
