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
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    database_url,
    ensure_database,
    environment,
    gunicorn,
    manage,
)

CAPACITY = 25
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def _setup_cohort() -> int:
    """Create a fresh first-come cohort for this run; return its id."""
    from django.utils import timezone

    from programs.models import Cohort, Program, Venue

    # An adult program open to anyone, so that every load submission is valid.
    program = (
        Program.objects.published()
        .filter(min_age__lte=18, required_education="none")
        .order_by("pk")
        .first()
    )
    venue = Venue.objects.order_by("pk").first()
    today = timezone.localdate()
    code = f"BENCH-{int(time.time() * 1000)}"
    cohort = Cohort.objects.create(
        program=program,
        code=code,
        starts_on=today + timezone.timedelta(days=30),
        ends_on=today + timezone.timedelta(days=60),
        application_deadline=today + timezone.timedelta(days=20),
        capacity=CAPACITY,
        min_size=1,
        venue=venue,
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
    )
    return cohort.pk


def submit_once(port: int, cohort_id: int, n: int) -> tuple[int, float]:
    """GET the form, POST it; return the POST's status and seconds."""
    path = f"/apply/{cohort_id}/"
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    html = response.read().decode()
    cookie = ""
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("csrftoken="):
            cookie = value.split(";", 1)[0]
    connection.close()
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": TOKEN.search(html).group(1),
            "submission_key": KEY.search(html).group(1),
            "last_name": f"Нагрузкин{n}",
            "first_name": "Тест",
            "birth_date": "1990-01-01",
            "sex": "male",
            "phone": "+79120000000",
            "email": f"load-{cohort_id}-{n}@example.org",
            "municipality": "г. Энск",
            "education_level": "higher",
            "consent_processing": "on",
        }
    )
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{port}{path}",
        },
    )
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    args = parser.parse_args()
    per_client = 2 if args.quick else args.per_client

    ensure_database(database_url())
    env = environment(STATIC_ROOT=tempfile.mkdtemp(prefix="copp-static-"))
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)

    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
    import django

    django.setup()
    from enrollment.models import Application
    from enrollment.services import seats_taken
    from programs.models import Cohort

    cohort_id = _setup_cohort()

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def client(index: int) -> None:
        for k in range(per_client):
            status, seconds = submit_once(port, cohort_id, index * 1000 + k)
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
    taken = seats_taken(cohort)
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
