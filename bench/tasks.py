"""The task engine under faults, with figures: e-mails counted at a real SMTP
sink (aiosmtpd), workers and schedulers as separate processes on PostgreSQL.

1. 50 clients apply for 60 s with the mail server answering, then for 60 s
   with it hung (it accepts, never answers): the requests answer in their
   usual time; once the server answers, every queued e-mail goes out, exactly
   once.
2. A worker is killed with SIGKILL in the middle of sending 500 e-mails, then
   restarted (its stalled task recovered): none lost, none sent twice.
3. Two workers and two schedulers (two app servers) run together, one
   scheduler is killed half-way: every periodic duty ran once per period.
4. A 100,000-row XLSX export runs as a task: its time, the worker's peak
   memory, and how the pages answer meanwhile.

    .venv/bin/python bench/tasks.py            # 60 s hang, 500 e-mails, 2 min, 100,000 rows
    .venv/bin/python bench/tasks.py --quick    # 5 s, 200 e-mails, 25 s, 5,000 rows
    .venv/bin/python bench/tasks.py --only mail,export   # some of the four
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    PYTHON,
    ROOT,
    apply_once,
    first_come_cohort,
    free_port,
    get,
    gunicorn,
    prepare,
    pump,
    scratch,
)


class Sink:
    """An SMTP server that counts the messages by their idempotency key."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.keys: Counter[str] = Counter()
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                text = envelope.content.decode("utf-8", "replace")
                key = next(
                    (
                        line.split(":", 1)[1].strip()
                        for line in text.splitlines()
                        if line.lower().startswith("x-copp-key:")
                    ),
                    "",
                )
                with sink.lock:
                    sink.keys[key] += 1
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def received(self) -> int:
        with self.lock:
            return sum(self.keys.values())

    def duplicates(self) -> int:
        with self.lock:
            return sum(n - 1 for n in self.keys.values() if n > 1)

    def stop(self) -> None:
        self.controller.stop()


class Gate:
    """A TCP gate in front of the sink: open, it forwards; hung, it accepts
    connections and never says a word (a hung mail server)."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.hung = False
        self.held: list[socket.socket] = []
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(256)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                if self.hung:
                    self.held.append(client)
                    continue
                server = socket.create_connection(self.target)
                for a, b in ((client, server), (server, client)):
                    threading.Thread(target=pump, args=(a, b), daemon=True).start()

    def close(self) -> None:
        for sock in self.held:
            with contextlib.suppress(OSError):
                sock.close()
        self.listener.close()


@contextlib.contextmanager
def process(*args: str, env: dict, name: str):
    log = scratch(name) / "out.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def worker(env: dict, name: str, queue: str = "*"):
    return process(
        "db_worker",
        f"--queue-name={queue}",
        "--interval=0.2",
        "--no-startup-delay",
        "--no-reload",
        env=env,
        name=name,
    )


def wait_until(check, *, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


def mail_env(env: dict, port: int) -> dict:
    return {
        **env,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "EMAIL_TIMEOUT": "2",
        "EMAIL_RETRY_SECONDS": "1",
        "EMAIL_CLAIM_SECONDS": "8",
        "TASK_STALLED_AFTER_SECONDS": "3",
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)] * 1000


def _apply_load(
    web: int, cohort_id: int, *, seconds: float, clients: int, first: int
) -> tuple[Counter[int], list[float]]:
    """``clients`` threads applying for ``seconds``; the answers and latencies."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    counter = iter(range(first, 10**9))

    def client() -> None:
        while time.monotonic() < stop:
            with lock:
                n = next(counter)
            status, took, _ = apply_once(
                web, cohort_id, n, client_ip=f"10.6.{n // 250 % 250}.{n % 250}"
            )
            with lock:
                statuses[status] += 1
                latencies.append(took)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, latencies


def _latency_line(latencies: list[float]) -> str:
    return (
        f"p50 {percentile(latencies, 0.5):.0f} ms, "
        f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )


def hung_mail_under_load(env: dict, *, seconds: float, clients: int) -> bool:
    """The same load twice: with the mail server answering (the usual time),
    then hung; the requests must not notice the difference."""
    from core.models import EmailDelivery

    sink = Sink()
    gate = Gate(sink.port)
    before = set(EmailDelivery.objects.values_list("key", flat=True))
    cohort_id = first_come_cohort(capacity=10_000)
    menv = mail_env(env, gate.port)
    try:
        with gunicorn(env=menv) as web, worker(menv, "worker-hang"):
            usual_statuses, usual = _apply_load(
                web, cohort_id, seconds=seconds, clients=clients, first=0
            )
            gate.hung = True
            statuses, latencies = _apply_load(
                web, cohort_id, seconds=seconds, clients=clients, first=10**6
            )
            held = len(gate.held)
            gate.hung = False
            expected = EmailDelivery.objects.exclude(key__in=before)
            settled = wait_until(
                lambda: not expected.filter(sent_at__isnull=True).exists(),
                timeout=seconds + 120,
            )
        keys = list(expected.values_list("key", flat=True))
        total = len(keys)
    finally:
        gate.close()
        sink.stop()
    print(f"\nThe same {seconds:.0f} s of {clients} clients applying, twice")
    print(f"  mail answering     {dict(usual_statuses)}, {_latency_line(usual)}")
    print(f"  mail hung          {dict(statuses)}, {_latency_line(latencies)}")
    print(f"  connections held by the hung server (the worker's): {held}")
    delivered = sum(1 for key in keys if sink.keys.get(key))
    print(
        f"  once it answered   {delivered} delivered of the {total} e-mails of "
        f"these applications, {sink.duplicates()} twice, all sent: {settled}"
    )
    # No request waited on the mail server: the hung run's tail is the usual
    # one (with room for the noise of a shared machine).
    usual_p95 = percentile(usual, 0.95)
    return (
        set(statuses) == set(usual_statuses) == {302}
        and settled
        and delivered == total
        and sink.duplicates() == 0
        and percentile(latencies, 0.95) <= usual_p95 * 1.5 + 250
    )


def killed_worker(env: dict, *, emails: int) -> bool:
    from django.db import transaction
    from django.test.utils import override_settings

    from core import mail
    from core.tasks import recover_stalled_tasks

    sink = Sink()
    menv = mail_env(env, sink.port)
    with transaction.atomic():
        keys = [
            mail.send_later("Проверка", "Текст", [f"kill-{n}@example.org"])
            for n in range(emails)
        ]
    try:
        with worker(menv, "worker-killed") as proc:
            wait_until(lambda: sink.received >= emails // 3, timeout=120, step=0.05)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            at_kill = sink.received
        time.sleep(4)  # longer than the workers' TASK_STALLED_AFTER_SECONDS
        with override_settings(TASK_STALLED_AFTER_SECONDS=3):
            recovered = recover_stalled_tasks.call()
        with worker(menv, "worker-restarted"):
            done = wait_until(
                lambda: all(sink.keys.get(key) for key in keys), timeout=180
            )
    finally:
        sink.stop()
    lost = sum(1 for key in keys if not sink.keys.get(key))
    print(f"\nA worker killed (SIGKILL) while sending {emails} e-mails, then restarted")
    print(f"  delivered before the kill  {at_kill}")
    print(f"  stalled tasks recovered    {recovered}")
    print(
        f"  after the restart          {len(keys) - lost} of {emails} delivered, "
        f"{lost} lost, {sink.duplicates()} sent twice"
    )
    return done and lost == 0 and sink.duplicates() == 0


def two_servers_schedule(env: dict, *, seconds: float) -> bool:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from core.models import DutyRun, SchedulerLease
    from core.schedule import Duty

    scale = 0.1
    senv = {**env, "BENCH_DUTY_SCALE": str(scale), "SCHEDULER_LEASE_SECONDS": "3"}
    started = timezone.now()
    with (
        process(
            "run_scheduler", "--interval=1", "--name=one", env=senv, name="scheduler-1"
        ) as one,
        process(
            "run_scheduler", "--interval=1", "--name=two", env=senv, name="scheduler-2"
        ) as two,
        worker(senv, "worker-a"),
        worker(senv, "worker-b"),
    ):
        time.sleep(seconds / 2)
        # The active scheduler's server dies without a word: its lease runs
        # out and the other takes over.
        leader = SchedulerLease.objects.get(name="scheduler").holder.split(":")[0]
        (one if leader == "one" else two).kill()
        time.sleep(seconds / 2)
        after = SchedulerLease.objects.get(name="scheduler").holder.split(":")[0]
    ended = timezone.now()
    time.sleep(2)  # let the workers finish what they took
    rows = []
    ok = True
    for name, task, every in (
        ("expire-offers", "enrollment.tasks.expire_offers", 1),
        ("stalled-tasks", "core.tasks.recover_stalled_tasks", 5),
    ):
        duty = Duty(name, task, datetime.timedelta(minutes=every * scale))
        periods = set()
        moment = started
        while moment <= ended:
            periods.add(duty.period_start(moment))
            moment += datetime.timedelta(seconds=0.5)
        runs = DutyRun.objects.filter(duty=name, enqueued_at__gte=started)
        starts = set(runs.values_list("period_start", flat=True))
        tasks = DBTaskResult.objects.filter(task_path=task, enqueued_at__gte=started)
        twice = runs.count() - len(starts)
        missed = len(periods - starts)
        rows.append((name, len(periods), runs.count(), tasks.count(), twice, missed))
        # A period may begin in the second the run starts or ends, or while
        # the lease of the killed scheduler runs out (3 s): allow those.
        ok = ok and twice == 0 and missed <= 2 and tasks.count() == runs.count()
    ok = ok and leader != after
    print(
        f"\nTwo app servers (2 schedulers, 2 workers) for {seconds:.0f} s, periods "
        f"x{scale}; the active scheduler ({leader}) killed half-way, then {after} "
        "led"
    )
    print("  duty               periods  runs  tasks  twice  missed")
    for name, periods, runs, tasks, twice, missed in rows:
        print(f"  {name:<18} {periods:>7} {runs:>5} {tasks:>6} {twice:>6} {missed:>7}")
    return ok


def big_export(env: dict, *, rows: int) -> bool:
    from django.contrib.auth.models import User
    from django.db import transaction

    from core.exports import start_export
    from core.models import ExportFile
    from enrollment.admin.exports import export_applications

    owner = User.objects.filter(
        is_superuser=True
    ).first() or User.objects.create_superuser(
        "bench-exports", "bench@example.org", "bench-password-2026"
    )
    with transaction.atomic():
        export = start_export(
            owner=owner, title="bench", filename="bench.xlsx", permissions=[]
        )
        export_applications.enqueue(
            export_id=export.pk, owner_id=owner.pk, fmt="xlsx", query="", language="ru"
        )
    latencies: list[float] = []
    peak_kb = 0
    with gunicorn(env=env) as web, worker(env, "worker-export", "exports") as proc:
        started = time.monotonic()

        def done() -> bool:
            return ExportFile.objects.filter(
                pk=export.pk, status__in=("ready", "failed")
            ).exists()

        while not done() and time.monotonic() - started < 900:
            with contextlib.suppress(OSError):
                status_line = Path(f"/proc/{proc.pid}/status").read_text()
                for line in status_line.splitlines():
                    if line.startswith("VmHWM:"):
                        peak_kb = max(peak_kb, int(line.split()[1]))
            moment = time.perf_counter()
            get(web, "/programs/")
            latencies.append(time.perf_counter() - moment)
            time.sleep(0.2)
        seconds = time.monotonic() - started
    export.refresh_from_db()
    print(f"\nAn XLSX export of {export.total or rows} applications as a task")
    print(f"  status             {export.status}, {export.done} rows")
    print(
        f"  time               {seconds:.1f} s ({(export.done or 1) / seconds:,.0f} rows/s)"
    )
    print(f"  worker peak memory {peak_kb / 1024:.0f} MB (VmHWM)")
    print(
        f"  /programs/ meanwhile: {len(latencies)} requests, "
        f"p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms"
    )
    return export.status == "ready" and export.done >= min(rows, export.total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--only",
        default="mail,worker,schedule,export",
        help="the scenarios to run, comma-separated (default: all four)",
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    rows = 5_000 if args.quick else 100_000
    env = prepare("--applications", str(rows))
    from django.db import connections

    scenarios = {
        "mail": lambda: hung_mail_under_load(
            env, seconds=5 if args.quick else 60, clients=10 if args.quick else 50
        ),
        "worker": lambda: killed_worker(env, emails=200 if args.quick else 500),
        "schedule": lambda: two_servers_schedule(
            env, seconds=25 if args.quick else 120
        ),
        "export": lambda: big_export(env, rows=rows),
    }
    results = [run() for name, run in scenarios.items() if name in only]
    connections.close_all()
    if not all(results):
        sys.exit("FAILED")


if __name__ == "__main__":
    main()
