"""Application submissions under load: gunicorn (2 workers) on PostgreSQL.

N concurrent clients each open the application form of one first-come cohort
and send it, as a browser does (CSRF cookie and token, a fresh form key). It
prints submissions per second, p50/p95 latency of the POST, and checks at the
end that every accepted submission has its row and the cohort is not overbooked.

    .venv/bin/python bench/submissions.py            # 50 clients x 20 submissions
    .venv/bin/python bench/submissions.py --quick    # 50 clients x 2, as CI runs it
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    apply_once,
    first_come_cohort,
    gunicorn,
    prepare,
)

CAPACITY = 25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    args = parser.parse_args()
    per_client = 2 if args.quick else args.per_client

    env = prepare()
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
