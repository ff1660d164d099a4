"""Exports of applications (CSV and XLSX): speed and peak memory on PostgreSQL.

It migrates the benchmark database, makes sure it holds at least N demo
applications (``seed_demo --applications N``), then, in this process, builds
``csv_response`` and ``xlsx_response`` over the first M and the first N
applications (M = 20,000 by default, N/2 when N is smaller) and reads each
response chunk by chunk, as a WSGI server does, counting and discarding the
bytes.

* Speed: rows per second by the clock and by this process's CPU time (the
  figure that does not depend on what else the machine runs; PostgreSQL's own
  work is not in it), time to the first byte, ``ru_maxrss`` before and after.
* Memory: each export again under ``tracemalloc``, at M and at N rows: the peak
  of Python memory must not grow with the rows. The XLSX writer's own memory
  (Rust) is outside Python's: ``ru_maxrss`` after the M and the N runs shows it.
* ``--profile``: cProfile of one export of each format at M rows, its top
  entries by own time.

    .venv/bin/python bench/export.py                      # 100,000 applications
    .venv/bin/python bench/export.py --quick              # 5,000, as CI runs it
    .venv/bin/python bench/export.py --applications 20000 --memory-at 5000
    .venv/bin/python bench/export.py --quick --profile

BENCH_DATABASE_URL selects the database (default postgres://postgres@127.0.0.1/copp_bench).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
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
PROFILE_LINES = 15


@dataclass
class Run:
    rows: int
    bytes: int
    seconds: float
    cpu_seconds: float
    first_byte: float
    peak: int | None
    maxrss_before: int
    maxrss_after: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def rows_per_cpu_second(self) -> float:
        return self.rows / self.cpu_seconds if self.cpu_seconds else 0.0


def maxrss() -> int:
    """The process's peak resident memory so far, in bytes (Linux gives KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def consume(make: Callable, rows: int, *, trace: bool) -> Run:
    """Build a response with ``make`` and read it to the end as a server would."""
    if trace:
        # From a collected heap, so that what earlier runs left (free lists,
        # garbage awaiting collection) counts in none of them.
        gc.collect()
        tracemalloc.start()
    before = maxrss()
    started = time.perf_counter()
    cpu_started = time.process_time()
    response = make()
    first_byte = None
    size = 0
    for chunk in response.streaming_content:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
    response.close()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return Run(
        rows,
        size,
        seconds,
        cpu_seconds,
        first_byte or seconds,
        peak,
        before,
        maxrss(),
    )


def profile(make: Callable, title: str) -> None:
    """Run one export under cProfile and print its top entries by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    consume(make, 0, trace=False)
    profiler.disable()
    print(f"\nProfile: {title} (top {PROFILE_LINES} by own time)")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("tottime").print_stats(PROFILE_LINES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 applications")
    parser.add_argument("--applications", type=int, default=100_000, metavar="N")
    parser.add_argument(
        "--memory-at",
        type=int,
        metavar="M",
        help="the smaller size measured (default 20,000, or N/2 when N is smaller; "
        "at least one chunk of 2,000 rows for a fair peak of memory)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of each format"
    )
    args = parser.parse_args()
    count = 5_000 if args.quick else args.applications
    small = args.memory_at or (20_000 if count > 20_000 else max(count // 2, 1))
    if not 0 < small < count:
        parser.error(f"--memory-at must be between 1 and {count - 1}")

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
    pks = list(Application.objects.order_by("pk").values_list("pk", flat=True)[:count])

    def first(n: int):
        return Application.objects.filter(pk__lte=pks[n - 1])

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

    sizes = (small, count)
    with translation.override("ru"):
        # Imports, translation catalogs and the connection, before measuring.
        for _name, make in exports(first(min(count, 100))):
            consume(make, 0, trace=False)
        # All timed runs first: tracemalloc's own bookkeeping raises ru_maxrss.
        timed = [
            (name, consume(make, rows, trace=False))
            for rows in sizes
            for name, make in exports(first(rows))
        ]
        traced = {
            (name, rows): consume(make, rows, trace=True)
            for rows in sizes
            for name, make in exports(first(rows))
        }
        if args.profile:
            for name, make in exports(first(small)):
                profile(make, f"{name}, {small} applications")

    print(
        f"\nExports: {count} applications of {total} in the database, PostgreSQL, in-process"
    )
    print(f"  command: {shlex.join(sys.orig_argv)}")
    print(f"  database: {database_url()}; seed_demo took {seeding:.1f} s")
    print(
        f"{'format':<7}{'rows':>8}{'bytes':>11}{'s':>7}{'rows/s':>8}{'CPU s':>7}"
        f"{'CPU rows/s':>11}{'1st byte s':>11}{'maxrss MB':>14}"
    )
    for name, run in timed:
        rss = f"{run.maxrss_before / MB:.0f} → {run.maxrss_after / MB:.0f}"
        print(
            f"{name:<7}{run.rows:>8}{run.bytes:>11}{run.seconds:>7.2f}"
            f"{run.rows_per_second:>8.0f}{run.cpu_seconds:>7.2f}"
            f"{run.rows_per_cpu_second:>11.0f}{run.first_byte:>11.2f}{rss:>14}"
        )
    print(
        "Peak of Python memory (tracemalloc) by the number of rows; it must not grow:"
    )
    print(f"{'format':<7}{f'{small} rows':>14}{f'{count} rows':>14}{'growth':>10}")
    for name in ("CSV", "XLSX"):
        low, high = traced[name, small].peak or 0, traced[name, count].peak or 0
        print(
            f"{name:<7}{low / MB:>11.2f} MB{high / MB:>11.2f} MB"
            f"{(high - low) / MB:>+7.2f} MB"
        )


if __name__ == "__main__":
    main()
