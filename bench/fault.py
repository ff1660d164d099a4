"""Faults: two app servers racing for the last seats, and the database going
away in the middle of the load.

1. Two gunicorn servers on two ports share one PostgreSQL; applicants race
   through both for the last seats of a first-come group: never overbooked,
   everyone answered, the waiting list holds the rest in order.
2. The servers reach PostgreSQL through a TCP proxy on loopback. In the middle
   of the load the proxy cuts every connection and refuses new ones, which is
   what the app sees when PostgreSQL stops; then it lets them through again.
   While the database is away the portal answers a friendly 503 (no 500, no
   traceback, no dropped connection); nothing is half-written; once the
   database is back the same processes recover by themselves
   (CONN_HEALTH_CHECKS) within seconds, with no restart. With ``--real`` the
   PostgreSQL cluster itself is stopped and started (pg_ctlcluster; root).

3. Redis refuses connections, then Redis hangs (accepts and never answers):
   the public pages, applying and the lost-link form keep answering (no
   500), uncached and with the rate limits open; /healthz answers 200 with
   the cache "down" and the status "degraded".
4. The mail server hangs (accepts and never answers) while people apply and
   ask for their links: no request opens a connection to it, every request
   answers in its usual time; the worker's attempts give up after
   EMAIL_TIMEOUT and are scheduled again.

    .venv/bin/python bench/fault.py
    .venv/bin/python bench/fault.py --quick
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    PYTHON,
    ROOT,
    apply_once,
    database_url,
    first_come_cohort,
    free_port,
    get,
    gunicorn,
    lost_link_once,
    prepare,
    pump,
)


class Proxy:
    """A TCP proxy to PostgreSQL that can cut the line and restore it."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.open()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        with self.lock:
            self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """PostgreSQL is gone: open connections drop, new ones are refused."""
        with self.lock:
            listener, self.listener = self.listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone may not.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self.lock:
            for sock in self.sockets:
                # Each on its own: a socket whose peer left already refuses
                # shutdown(), and must still be closed.
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.listener is not listener:  # cut meanwhile
                    client.close()
                    server.close()
                    return
                self.sockets.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=pump, args=(a, b), daemon=True).start()


def race_for_the_last_seats(env: dict, applicants: int, seats: int) -> bool:
    from enrollment.models import Application, ApplicationStatus
    from enrollment.seats import count_seats
    from programs.models import Cohort

    cohort_id = first_come_cohort(capacity=seats)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    with gunicorn(env=env) as first, gunicorn(env=env) as second:
        start = threading.Event()

        def applicant(n: int) -> None:
            start.wait()
            port = first if n % 2 else second
            status, _seconds, _location = apply_once(
                port, cohort_id, n, client_ip=f"10.9.{n // 250}.{n % 250}"
            )
            with lock:
                statuses[status] += 1

        threads = [
            threading.Thread(target=applicant, args=(n,)) for n in range(applicants)
        ]
        for thread in threads:
            thread.start()
        start.set()
        for thread in threads:
            thread.join()
    cohort = Cohort.objects.get(pk=cohort_id)
    rows = Application.objects.filter(cohort=cohort)
    taken = count_seats(cohort).held
    waiting = rows.filter(status=ApplicationStatus.WAITLISTED).count()
    print(
        f"\nTwo app servers, {applicants} applicants at once for {seats} seats"
        f" (half through each server)"
    )
    print(f"  answers            {dict(sorted(statuses.items()))}")
    print(f"  rows               {rows.count()}")
    print(f"  seats taken        {taken} of {seats}; waiting {waiting}")
    return (
        taken == seats
        and rows.count() == applicants == statuses.get(302, 0)
        and waiting == applicants - seats
    )


@contextlib.contextmanager
def real_postgresql_stop():
    """Stop and start the local PostgreSQL cluster (needs pg_ctlcluster, root)."""
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout.split()
    version, cluster = listing[0], listing[1]

    def stop() -> None:
        subprocess.run(
            ["pg_ctlcluster", version, cluster, "stop", "-m", "fast"], check=True
        )

    def start() -> None:
        subprocess.run(["pg_ctlcluster", version, cluster, "start"], check=True)

    try:
        yield stop, start
    finally:
        start_again = subprocess.run(
            ["pg_ctlcluster", version, cluster, "status"], capture_output=True
        )
        if start_again.returncode != 0:
            start()


def database_goes_away(env: dict, *, seconds: tuple[float, float, float], real: bool):
    from django.db import connections

    from enrollment.models import Application, ConsentRecord, StatusChange
    from enrollment.services.figures import daily_intake_agrees
    from programs.models import Cohort

    cohort_id = first_come_cohort(capacity=10_000)
    # An applicant's page: every answer needs the database.
    status_page = Application.objects.order_by("pk").first().get_absolute_url()
    parts = urllib.parse.urlsplit(database_url())
    proxy = None
    if not real:
        proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432))
        proxied = parts._replace(
            netloc=f"{parts.username or 'postgres'}@127.0.0.1:{proxy.port}"
        )
        env = {**env, "DATABASE_URL": urllib.parse.urlunsplit(proxied)}

    before, outage, after = seconds
    log: list[tuple[float, str, int, bytes]] = []
    answered: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + before + outage + after
    counter = iter(range(10**9))

    def client() -> None:
        while time.monotonic() < stop_at:
            with lock:
                n = next(counter)
            moment = time.monotonic()
            kind = ("apply", "status", "health")[n % 3]
            try:
                if n % 3 == 0:
                    status, location = apply_once(
                        port, cohort_id, n, client_ip=f"10.8.{n // 250 % 250}.{n % 250}"
                    )[::2]
                    kind, body = "apply", b""
                    if status == 302:
                        with lock:
                            answered.append(location.rstrip("/").rsplit("/", 1)[-1])
                else:
                    kind = "status" if n % 3 == 1 else "health"
                    path = status_page if kind == "status" else "/healthz"
                    status, body = get(port, path)
            except OSError as error:
                # No answer at all: kept with what was asked, and why.
                status, body = 0, repr(error).encode()
            with lock:
                log.append((moment, kind, status, body))

    with contextlib.ExitStack() as stack:
        if real:
            stop_db, start_db = stack.enter_context(real_postgresql_stop())
        else:
            stop_db, start_db = proxy.cut, proxy.open
        port = stack.enter_context(gunicorn(env=env))
        threads = [threading.Thread(target=client) for _ in range(10)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(before)
        down_at = time.monotonic()
        stop_db()
        time.sleep(outage)
        up_at = time.monotonic()
        start_db()
        for thread in threads:
            thread.join()
        pid_check = get(port, "/healthz")[0]

    connections.close_all()  # this process's own connection did not survive
    statuses = Counter(status for _m, _k, status, _b in log)
    # Requests that began well inside the outage (half a second from each edge).
    during = [entry for entry in log if down_at + 0.5 <= entry[0] < up_at - 0.5]
    friendly = all(
        status == 503 and (kind != "status" or "недоступен".encode() in body)
        for _m, kind, status, body in during
        if kind in ("status", "apply")
    )
    ok_after = sorted(
        moment
        for moment, kind, status, _b in log
        if moment >= up_at and status in (200, 302)
    )
    recovery = (ok_after[0] - up_at) if ok_after else float("inf")
    late_failures = [
        e
        for e in log
        if e[0] >= up_at + max(recovery, 0) + 1 and e[2] not in (200, 302)
    ]
    cohort = Cohort.objects.get(pk=cohort_id)
    rows = Application.objects.filter(cohort=cohort)
    tokens = set(rows.values_list("token", flat=True))
    half_done = (
        rows.exclude(pk__in=StatusChange.objects.values("application")).count()
        + rows.exclude(pk__in=ConsentRecord.objects.values("application")).count()
    )
    lost = set(answered) - tokens
    print(
        f"\nPostgreSQL {'stopped' if real else 'cut off (TCP proxy)'} for {outage:.0f} s"
        f" in the middle of {time.monotonic() - started - 0:.0f} s of load (10 clients)"
    )
    print(f"  answers            {dict(sorted(statuses.items()))}")
    by_kind = Counter(f"{k} {s}" for _m, k, s, _b in during)
    print(f"  during the outage  {dict(sorted(by_kind.items()))}")
    print(f"  friendly 503 page  {'yes' if friendly else 'NO'}")
    print(f"  recovered after    {recovery:.1f} s (same processes, no restart)")
    print(f"  failures after     {len(late_failures)}")
    print(
        f"  applications       {len(answered)} answered, {len(tokens)} rows,"
        f" {len(lost)} answered without a row, {half_done} half-written"
    )
    print(f"  counters agree     {daily_intake_agrees()}")
    for moment, kind, _status, body in (e for e in log if e[2] == 0):
        print(
            f"  no answer          {kind} at {moment - down_at:+.1f} s from the cut: "
            f"{body.decode()}"
        )
    return (
        statuses.get(500, 0) == 0
        and statuses.get(0, 0) == 0
        and friendly
        and recovery < 10
        and not late_failures
        and not lost
        and half_done == 0
        and daily_intake_agrees()
        and pid_check == 200
    )


class SilentServer:
    """Accepts connections and never says a word: a hung Redis or mail server.
    ``accepted`` counts the connections made to it."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(512)
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _address = self.listener.accept()
                self.held.append(connection)
                self.accepted += 1

    def close(self) -> None:
        for connection in self.held:
            with contextlib.suppress(OSError):
                connection.close()
        self.listener.close()


def mixed_load(port: int, cohort_id: int, *, seconds: float, clients: int):
    """Browse, apply and ask for links from ``clients`` threads; return the
    answers by kind and the time each request took."""
    log: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    counter = iter(range(10**9))
    pages = ["/", "/programs/", "/partners/", "/en/programs/"]

    def client() -> None:
        while time.monotonic() < stop_at:
            with lock:
                n = next(counter)
            ip = f"10.7.{n // 250 % 250}.{n % 250}"
            started = time.perf_counter()
            try:
                if n % 4 == 0:
                    kind = "apply"
                    status, seconds_taken, _ = apply_once(
                        port, cohort_id, n, client_ip=ip
                    )
                elif n % 4 == 1:
                    kind = "lost link"
                    status, seconds_taken = lost_link_once(
                        port, f"load-{cohort_id}-{n - 1}@example.org", client_ip=ip
                    )
                else:
                    kind = "page"
                    status, _body = get(port, pages[n % len(pages)])
                    seconds_taken = time.perf_counter() - started
            except OSError:
                kind, status, seconds_taken = "connection", 0, 0.0
            with lock:
                log.append((kind, status, seconds_taken))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return log


def summarise(log) -> tuple[dict[str, int], dict[str, float]]:
    answers = Counter(f"{kind} {status}" for kind, status, _s in log)
    times: dict[str, list[float]] = {}
    for kind, _status, seconds_taken in log:
        times.setdefault(kind, []).append(seconds_taken)
    p95 = {
        kind: sorted(values)[int(len(values) * 0.95) - 1] * 1000
        for kind, values in times.items()
        if values
    }
    return dict(sorted(answers.items())), p95


def redis_goes_away(env: dict, *, seconds: float) -> bool:
    """The shared cache refuses, then hangs: the portal serves on without it."""
    ok = True
    silent = SilentServer()
    try:
        for outage, port in (
            ("refuses connections", free_port()),
            ("hangs", silent.port),
        ):
            cohort_id = first_come_cohort(capacity=10_000)
            broken = {**env, "CACHE_URL": f"redis://127.0.0.1:{port}/1"}
            with gunicorn(env=broken) as web:
                log = mixed_load(web, cohort_id, seconds=seconds, clients=8)
                health_status, health_body = get(web, "/healthz")
            answers, p95 = summarise(log)
            errors = sum(1 for _k, status, _s in log if status >= 500 or status == 0)
            health = health_body.decode()
            truthful = (
                health_status == 200
                and '"cache": "down"' in health
                and '"status": "degraded"' in health
            )
            print(f"\nRedis {outage} for {seconds:.0f} s under load (8 clients)")
            print(f"  answers            {answers}")
            print(
                "  p95 ms             "
                + ", ".join(f"{k} {v:.0f}" for k, v in sorted(p95.items()))
            )
            print(f"  5xx or dropped     {errors}")
            print(f"  /healthz           {health_status} {health}")
            ok = ok and errors == 0 and truthful
    finally:
        silent.close()
    return ok


def mail_server_hangs(env: dict, *, seconds: float) -> bool:
    """The mail server accepts and never answers: requests never wait on it;
    the worker's attempts give up after EMAIL_TIMEOUT and are scheduled again."""
    from django_tasks_db.models import DBTaskResult

    silent = SilentServer()
    mail_env = {
        **env,
        "EMAIL_URL": f"smtp://127.0.0.1:{silent.port}",
        "EMAIL_TIMEOUT": "2",
    }
    try:
        with gunicorn(env=env) as healthy:
            baseline = mixed_load(
                healthy,
                first_come_cohort(capacity=10_000),
                seconds=seconds / 2,
                clients=8,
            )
        waiting_before = DBTaskResult.objects.filter(status="READY").count()
        with gunicorn(env=mail_env) as web:
            log = mixed_load(
                web, first_come_cohort(capacity=10_000), seconds=seconds, clients=8
            )
        connected_by_requests = silent.accepted
        enqueued = DBTaskResult.objects.filter(status="READY").count() - waiting_before
        # One worker for a few seconds: it connects, times out, schedules again.
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--queue-name=*", "--interval=0.2"],
            cwd=ROOT,
            env=mail_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(max(6.0, seconds / 2))
        worker.terminate()
        worker.wait(timeout=30)
        retried = DBTaskResult.objects.filter(
            status="READY",
            task_path="core.mail.deliver_email",
            args_kwargs__kwargs__attempt__gte=2,
        ).count()
    finally:
        silent.close()
    answers, p95 = summarise(log)
    _answers, p95_before = summarise(baseline)
    errors = sum(1 for _k, status, _s in log if status >= 500 or status == 0)
    print(f"\nMail server hung for {seconds:.0f} s while people apply (8 clients)")
    print(f"  answers            {answers}")
    print(
        "  p95 ms, hung       "
        + ", ".join(f"{k} {v:.0f}" for k, v in sorted(p95.items()))
    )
    print(
        "  p95 ms, healthy    "
        + ", ".join(f"{k} {v:.0f}" for k, v in sorted(p95_before.items()))
    )
    print(f"  e-mails enqueued   {enqueued}")
    print(f"  mail connections opened by requests: {connected_by_requests}")
    print(
        f"  worker: {silent.accepted - connected_by_requests} connections, each given up"
        f" after EMAIL_TIMEOUT; {retried} e-mails scheduled to try again"
    )
    slowest = max(p95.values(), default=0)
    return (
        errors == 0
        and connected_by_requests == 0
        and enqueued > 0
        and retried > 0
        and slowest < 2000  # far below EMAIL_TIMEOUT x attempts: no request waited
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--real", action="store_true", help="stop the PostgreSQL cluster itself"
    )
    args = parser.parse_args()

    env = prepare()

    raced = race_for_the_last_seats(env, applicants=40 if args.quick else 120, seats=5)
    from django.db import connections

    connections.close_all()
    survived = database_goes_away(
        env, seconds=(2, 3, 4) if args.quick else (5, 10, 10), real=args.real
    )
    connections.close_all()
    without_redis = redis_goes_away(env, seconds=3 if args.quick else 15)
    connections.close_all()
    without_mail = mail_server_hangs(env, seconds=4 if args.quick else 60)
    if not (raced and survived and without_redis and without_mail):
        sys.exit("FAILED")


if __name__ == "__main__":
    main()
