"""Load: many people browsing the catalog and applying at once.

gunicorn with 2 sync workers on PostgreSQL, Redis as the shared cache.
Each of N concurrent clients is a stream of people: each person (from their
own address, as nginx passes it in X-Real-IP) opens the home page, the catalog,
a program, then applies to a first-come group (the form, then the POST).

It prints requests per second and p50/p95 latency by kind, the answers by
status, and checks that there was no 5xx and no lost application: every POST
answered with a redirect to an applicant's page has its row, and every row in
the group had such an answer.

    .venv/bin/python bench/load.py            # 100 clients for 60 s
    .venv/bin/python bench/load.py --quick    # 20 clients for 10 s (CI)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    apply_once,
    first_come_cohort,
    get,
    gunicorn,
    prepare,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    clients = 20 if args.quick else args.clients
    seconds = 10 if args.quick else args.seconds

    env = prepare()
    from enrollment.models import Application
    from enrollment.seats import count_seats
    from programs.models import Cohort, Program

    cohort_id = first_come_cohort(capacity=200)
    programs = [
        f"/programs/{slug}/"
        for slug in Program.objects.published().values_list("slug", flat=True)[:10]
    ]
    browse = ["/", "/programs/", "/programs/?" + urlencode({"q": "сварка"}), *programs]

    statuses: Counter[int] = Counter()
    latencies: dict[str, list[float]] = defaultdict(list)
    answered: list[str] = []  # applicants' page addresses the POSTs answered
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    people = iter(range(10**9))

    def person(port: int) -> None:
        with lock:
            n = next(people)
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        for k in range(3):
            path = browse[(n + k) % len(browse)]
            started = time.perf_counter()
            try:
                status, _body = get(port, path)
            except OSError:
                status = 0
            with lock:
                latencies["browse"].append(time.perf_counter() - started)
                statuses[status] += 1
        started = time.perf_counter()
        try:
            status, _seconds, location = apply_once(
                port, cohort_id, n, client_ip=address
            )
        except OSError:
            status, location = 0, ""
        with lock:
            latencies["apply (form + post)"].append(time.perf_counter() - started)
            statuses[status] += 1
            if status == 302 and "/applications/" in location:
                answered.append(location.rstrip("/").rsplit("/", 1)[-1])

    def client(port: int) -> None:
        while time.monotonic() < stop:
            person(port)

    with gunicorn(env=env) as port:
        started = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(port,)) for _ in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started

    cohort = Cohort.objects.get(pk=cohort_id)
    rows = set(
        Application.objects.filter(cohort=cohort).values_list("token", flat=True)
    )
    lost = set(answered) - rows
    unanswered = rows - set(answered)
    requests = sum(statuses.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    print(
        f"\nLoad: gunicorn 2 sync workers, PostgreSQL, Redis cache; {clients} clients"
        f" for {wall:.0f} s; each person browses 3 pages, then applies"
    )
    print(f"  requests/s         {requests / wall:.1f}  ({requests} answers)")
    for kind, values in latencies.items():
        q = statistics.quantiles(values, n=100)
        print(
            f"  {kind:<21}p50 {q[49] * 1000:6.0f} ms   p95 {q[94] * 1000:6.0f} ms"
            f"   ({len(values)})"
        )
    print(f"  answers            {dict(sorted(statuses.items()))}")
    print(f"  applications       {len(answered)} answered, {len(rows)} rows")
    print(f"  seats taken        {count_seats(cohort).held} of {cohort.capacity}")
    if server_errors or lost or unanswered or statuses.get(0):
        sys.exit(
            f"FAILED: {server_errors} server errors, {len(lost)} answered without a"
            f" row, {len(unanswered)} rows without an answer,"
            f" {statuses.get(0, 0)} connection failures"
        )
    if count_seats(cohort).held > cohort.capacity:
        sys.exit("FAILED: overbooked")


if __name__ == "__main__":
    main()
