"""Run the scheduler of periodic duties (settings.PERIODIC_DUTIES).

One per app server is fine: they share a lease, and only its holder enqueues.
    python manage.py run_scheduler            # for ever, a tick every 10 s
    python manage.py run_scheduler --once     # one tick (tests, cron fallback)
"""

from __future__ import annotations

import contextlib
import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from core.schedule import process_id, release_lease, tick

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue the periodic duties when they are due (one active scheduler)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=10.0)
        parser.add_argument("--once", action="store_true")
        parser.add_argument(
            "--name", default="", help="How this scheduler is named in its lease."
        )

    def handle(
        self, *args: Any, interval: float, once: bool, name: str, **options: Any
    ) -> None:
        holder = f"{name}:{process_id()}" if name else process_id()
        running = True

        def stop(signum: int, frame: object) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Scheduler {holder} started")
        while running:
            close_old_connections()
            try:
                for name in tick(holder):
                    self.stdout.write(f"enqueued {name}")
            except DatabaseError:
                # The database is away: try again at the next tick.
                logger.exception("The scheduler could not reach the database")
            if once:
                break
            slept = 0.0
            while running and slept < interval:
                time.sleep(min(0.5, interval - slept))
                slept += 0.5
        with contextlib.suppress(DatabaseError):
            release_lease(holder)
        self.stdout.write(f"Scheduler {holder} stopped")
