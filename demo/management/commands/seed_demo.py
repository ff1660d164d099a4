"""Fill the portal with demo data of an industry ЦОПП (machine-building).

``python manage.py seed_demo [--applications N]`` creates the catalog
(directions, programs, venues, cohorts: ``demo.catalog``) and then N demo
applications with their applicants, status history and consents
(``demo.applications``), then industry partners with their agreements
(``demo.partners``), and a few contracts, payments and a draft order made by
the services (``demo.papers``); finally it checks that what it wrote keeps the services'
rules (``demo.checks``). Safe to run again: the catalog is updated in place and
only the applications not there yet are added, so ``--applications 1000``
after ``--applications 300`` adds 700.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from demo.applications import default_workers, seed_applications
from demo.catalog import seed_catalog
from demo.centre import seed_centre
from demo.checks import check_demo_data
from demo.papers import seed_papers
from demo.partners import seed_partners


class Command(BaseCommand):
    help = "Create or update the demo catalog and add demo applications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--applications",
            type=int,
            default=300,
            metavar="N",
            help="How many demo applications there should be (default 300).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=5000,
            help="Applications written per batch (default 5000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=(
                "Processes that write applications, each for its own cohorts "
                "(default: up to 4 on PostgreSQL, 1 on SQLite). The data do not "
                "depend on it."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["applications"]
        batch_size = options["batch_size"]
        workers = options["workers"]
        if workers is None:
            workers = default_workers()
        if count < 0 or batch_size < 1 or workers < 1:
            msg = (
                "--applications must be at least 0, --batch-size and --workers "
                "at least 1."
            )
            raise CommandError(msg)
        today = timezone.localdate()
        with transaction.atomic():
            catalog = seed_catalog(today=today)
        self.stdout.write(f"Demo data as of {today:%Y-%m-%d}:")
        if seed_centre():
            self.stdout.write("  the centre's details: filled in")
        for name, counter in catalog.items():
            self.stdout.write(
                f"  {name}: {counter.total()} "
                f"(created {counter['created']}, updated {counter['updated']}, "
                f"unchanged {counter['unchanged']})"
            )
        started = time.monotonic()
        created = seed_applications(
            count=count, today=today, batch_size=batch_size, workers=workers
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"  applications: {count} wanted, {created['existing']} already there, "
            f"created {created['applications']} in {elapsed:.1f} s"
        )
        for name in ("applicants", "status_changes", "consents", "categories"):
            self.stdout.write(f"    {name} created: {created[name]}")
        partners = seed_partners(today=today)
        self.stdout.write(
            f"  partners created: {partners['partners']}, "
            f"agreements created: {partners['agreements']}"
        )
        papers = seed_papers(today=today)
        self.stdout.write(
            f"  contracts prepared: {papers['contracts']}, payments recorded: "
            f"{papers['payments']}, draft orders: {papers['orders']}"
        )
        # The data describe the start of today (Moscow): check them as of then.
        start_of_today = timezone.make_aware(
            datetime.datetime.combine(today, datetime.time())
        )
        problems = check_demo_data(now=start_of_today)
        if problems:
            raise CommandError(
                "The demo data break the services' rules:\n" + "\n".join(problems)
            )
        self.stdout.write("  checked: seats, queues, histories and daily figures agree")
        self.stdout.write(self.style.SUCCESS("Done."))
