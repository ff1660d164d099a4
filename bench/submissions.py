"""Application submissions under load: gunicorn (2 workers) on PostgreSQL.

N concurrent clients each open the application form of one first-come cohort
and send it, as a browser does (CSRF cookie and token, a fresh form key). It
prints submissions per second, p50/p95 latency of the POST, and checks at the
end that every accepted submission has its row and the cohort is not overbooked.

Before that, in this process: the server's time of the apply POST alone, the
median of --posts submissions through a Django test client that enforces the
CSRF checks (the whole middleware stack, the view, the database; no network,
the GET of the form not counted), and the SQL queries of each. --profile
(or --verbose) adds the top of a cProfile of one more batch of such POSTs.

    .venv/bin/python bench/submissions.py            # 50 clients x 20 submissions
    .venv/bin/python bench/submissions.py --quick    # 50 clients x 2, as CI runs it
    .venv/bin/python bench/submissions.py --profile  # and where a POST's time goes
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    apply_in_process,
    apply_once,
    first_come_cohort,
    gunicorn,
    prepare,
)

CAPACITY = 25
# Submissions sent in this process before any is measured (templates compiled,
# connections opened, caches filled).
WARM_UP = 3


def in_process(posts: int, *, profile: bool) -> None:
    """Print the server's time of the apply POST, measured in this process:
    the median of ``posts`` submissions to a fresh first-come cohort (its seats
    offered, then the waiting list), and the queries each one makes; with
    ``profile``, the top of a cProfile of one more such batch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def batch(
        count: int, *, around=lambda: None, prefix: str
    ) -> tuple[list[float], set[int]]:
        cohort_id = first_come_cohort(CAPACITY)
        seconds, statuses = [], set()
        for n in range(count):
            status, elapsed = apply_in_process(
                cohort_id,
                n,
                client_ip=f"{prefix}.{n // 250}.{n % 250}",
                around=around(),
            )
            seconds.append(elapsed)
            statuses.add(status)
        return seconds, statuses

    batch(WARM_UP, prefix="10.200")
    seconds, statuses = batch(posts, prefix="10.201")
    captured: list[CaptureQueriesContext] = []

    def capture() -> CaptureQueriesContext:
        captured.append(CaptureQueriesContext(connection))
        return captured[-1]

    _, counted = batch(posts, around=capture, prefix="10.202")
    queries = [len(c.captured_queries) for c in captured]
    print(
        f"\nIn process: the apply POST through the whole middleware stack, "
        f"{posts} submissions to a first-come cohort of {CAPACITY} seats"
    )
    print(f"  answers            {sorted(statuses | counted)}")
    print(f"  server time p50    {statistics.median(seconds) * 1000:.1f} ms")
    print(f"  server time min    {min(seconds) * 1000:.1f} ms")
    print(
        f"  queries per POST   median {statistics.median(queries):.0f} "
        f"(min {min(queries)}, max {max(queries)})"
    )
    if statuses | counted != {302}:
        sys.exit("FAILED: an in-process submission was not accepted")
    if profile:
        profiler = cProfile.Profile()
        batch(posts, around=lambda: profiler, prefix="10.203")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        print(f"\nProfile of {posts} POSTs:{out.getvalue()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument(
        "--posts", type=int, default=40, help="submissions measured in process"
    )
    parser.add_argument(
        "--profile",
        "--verbose",
        action="store_true",
        help="print the top of a cProfile of one batch of in-process POSTs",
    )
    args = parser.parse_args()
    per_client = 2 if args.quick else args.per_client
    posts = 10 if args.quick else args.posts

    env = prepare()
    in_process(posts, profile=args.profile)
    from enrollment.models import Application
    from enrollment.seats import count_seats
    from programs.models import Cohort

    cohort_id = first_come_cohort(CAPACITY)

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def client(index: int) -> None:
        for k in range(per_client):
            # Each submission is another person, from another address.
            status, seconds, _location = apply_once(
                port, cohort_id, index * 1000 + k, client_ip=f"10.1.{index}.{k % 250}"
            )
            with lock:
                latencies.append(seconds)
                statuses[status] = statuses.get(status, 0) + 1

    with gunicorn(env=env) as port:
        started = time.perf_counter()
        threads = [
            threading.Thread(target=client, args=(i,)) for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started

    cohort = Cohort.objects.get(pk=cohort_id)
    rows = Application.objects.filter(cohort=cohort).count()
    taken = count_seats(cohort).held
    accepted = statuses.get(302, 0)
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"\nSubmissions: gunicorn 2 sync workers, PostgreSQL, {args.clients} clients "
        f"x {per_client} submissions (each GET form + POST)"
    )
    print(f"  answers            {dict(sorted(statuses.items()))}")
    print(f"  submissions/s      {accepted / wall:.1f}  ({accepted} in {wall:.1f} s)")
    print(f"  POST latency p50   {quantiles[49] * 1000:.0f} ms")
    print(f"  POST latency p95   {quantiles[94] * 1000:.0f} ms")
    print(f"  rows created       {rows}")
    print(f"  seats taken        {taken} of {cohort.capacity}")
    if rows != accepted or taken > cohort.capacity or set(statuses) != {302}:
        sys.exit("FAILED: lost or extra applications, an error answer, or overbooking")


if __name__ == "__main__":
    main()
