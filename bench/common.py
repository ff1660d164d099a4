"""Helpers shared by the benchmarks: a PostgreSQL database, gunicorn, a load loop."""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/copp_bench"
# Everything a benchmark writes (static files, uploads, logs, backups) goes
# here and is removed when it ends: the checkout and /tmp stay clean.
WORK_DIR = Path(tempfile.mkdtemp(prefix="copp-bench-"))
atexit.register(shutil.rmtree, WORK_DIR, ignore_errors=True)
# The benchmarks' keys in the shared Redis carry this prefix and are deleted
# at the end (cleanup()).
CACHE_KEY_PREFIX = "copp-bench"


def scratch(name: str) -> Path:
    """A new folder inside WORK_DIR."""
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=WORK_DIR))


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist yet."""
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url(),
        PYTHONPATH=str(ROOT),
        VAR_DIR=str(WORK_DIR / "var"),
        CACHE_KEY_PREFIX=CACHE_KEY_PREFIX,
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(*seed_args: str, setup: bool = True) -> dict[str, str]:
    """Migrate and seed the benchmark database (``seed_demo *seed_args``), collect
    the static files; with ``setup``, set Django up in this process too.
    Return the environment for the servers and commands."""
    ensure_database(database_url())
    env = environment(STATIC_ROOT=str(scratch("static")))
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", *seed_args, env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    if setup:
        names = (
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "STATIC_ROOT",
            "VAR_DIR",
            "CACHE_KEY_PREFIX",
        )
        os.environ.update({name: env[name] for name in names})
        import django

        django.setup()
    return env


def pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes one way until either side closes, then close both."""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(*, env: dict[str, str], workers: int = 2):
    """Run gunicorn on a free loopback port; yield the port."""
    port = free_port()
    log_path = scratch("gunicorn") / "gunicorn.log"
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "copp.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                status, _ = get(port, "/healthz")
                if status == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def first_come_cohort(capacity: int) -> int:
    """A fresh first-come cohort of an adult program open to anyone (Django must
    be set up); return its id."""
    from django.utils import timezone

    from programs.models import Cohort, CohortQuota, FundingSource, Program, Venue

    program = (
        Program.objects.published()
        .filter(min_age__lte=18, required_education="none")
        .order_by("pk")
        .first()
    )
    today = timezone.localdate()
    cohort = Cohort.objects.create(
        program=program,
        code=f"BENCH-{time.time_ns()}",
        starts_on=today + timezone.timedelta(days=30),
        ends_on=today + timezone.timedelta(days=60),
        application_deadline=today + timezone.timedelta(days=20),
        capacity=capacity,
        min_size=1,
        venue=Venue.objects.order_by("pk").first(),
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
    )
    # All seats paid by the learner: the stream open to anyone the program admits.
    CohortQuota.objects.create(
        cohort=cohort, stream=FundingSource.objects.get(code="personal"), seats=capacity
    )
    return cohort.pk


def post_form(
    port: int, path: str, fields: dict[str, str], *, client_ip: str | None = None
) -> tuple[int, float, str, str]:
    """GET a form and POST it as a browser does (CSRF cookie and token, the
    hidden fields ``fields`` names as "" are taken from the page); return the
    POST's status, seconds and Location, and the page's HTML."""
    extra = {"X-Real-IP": client_ip} if client_ip else {}
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=extra)
    response = connection.getresponse()
    html = response.read().decode()
    connection.close()
    if response.status != 200:
        return response.status, 0.0, "", html
    cookie = next(
        (
            value.split(";", 1)[0]
            for header, value in response.getheaders()
            if header.lower() == "set-cookie" and value.startswith("csrftoken=")
        ),
        "",
    )
    data = {"csrfmiddlewaretoken": TOKEN.search(html).group(1), **fields}
    if "submission_key" in fields:
        data["submission_key"] = KEY.search(html).group(1)
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request(
        "POST",
        path,
        body=urllib.parse.urlencode(data),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{port}{path}",
            **extra,
        },
    )
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    location = response.getheader("Location") or ""
    connection.close()
    return response.status, elapsed, location, html


def apply_once(
    port: int, cohort_id: int, n: int, *, client_ip: str | None = None
) -> tuple[int, float, str]:
    """Apply to ``cohort_id`` as person ``n``; return the POST's status, seconds
    and Location."""
    status, seconds, location, _html = post_form(
        port,
        f"/apply/{cohort_id}/",
        application_fields(cohort_id, n),
        client_ip=client_ip,
    )
    return status, seconds, location


def lost_link_once(
    port: int, email: str, *, client_ip: str | None = None
) -> tuple[int, float]:
    """Ask for one's links as a browser does; return the POST's status and seconds."""
    status, seconds, _location, _html = post_form(
        port, "/applications/lost-link/", {"email": email}, client_ip=client_ip
    )
    return status, seconds


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        return statistics.quantiles(self.latencies, n=100)[int(q) - 1] * 1000


def load(port: int, paths: list[str], *, clients: int, seconds: float) -> LoadResult:
    """GET ``paths`` round-robin from ``clients`` threads for ``seconds``."""
    result = LoadResult()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        done, errors, latencies = 0, 0, []
        n = offset
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _ = get(port, paths[n % len(paths)])
            except OSError:
                status = 0
            latencies.append(time.perf_counter() - started)
            n += 1
            if status == 200:
                done += 1
            else:
                errors += 1
        with lock:
            result.requests += done
            result.errors += errors
            result.latencies.extend(latencies)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def application_fields(cohort_id: int, n: int) -> dict[str, str]:
    """The fields person ``n`` types into the application form of ``cohort_id``
    (``submission_key`` is taken from the page)."""
    return {
        "submission_key": "",
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


def apply_in_process(
    cohort_id: int,
    n: int,
    *,
    client_ip: str,
    around: contextlib.AbstractContextManager | None = None,
) -> tuple[int, float]:
    """Apply to ``cohort_id`` as person ``n`` in this process (Django set up),
    as a browser does: a new Django test client that enforces the CSRF checks
    GETs the form, then POSTs it with the page's token and form key through
    the whole middleware stack. Return the POST's status and the seconds the
    server's code took for it (the GET not included). ``around`` (a profiler,
    a CaptureQueriesContext) is entered for the POST alone."""
    from django.conf import settings
    from django.test import Client

    client = Client(
        enforce_csrf_checks=True,
        HTTP_HOST=settings.ALLOWED_HOSTS[0],
        REMOTE_ADDR=client_ip,
        HTTP_X_REAL_IP=client_ip,
    )
    path = f"/apply/{cohort_id}/"
    html = client.get(path).content.decode()
    data = {
        **application_fields(cohort_id, n),
        "csrfmiddlewaretoken": TOKEN.search(html).group(1),
        "submission_key": KEY.search(html).group(1),
    }
    body = urllib.parse.urlencode(data)
    with contextlib.nullcontext() if around is None else around:
        started = time.perf_counter()
        response = client.post(
            path, body, content_type="application/x-www-form-urlencoded"
        )
        elapsed = time.perf_counter() - started
    return response.status_code, elapsed
