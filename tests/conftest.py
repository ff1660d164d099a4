import importlib

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Russian, whatever language an earlier request left active."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def reference_rows(transactional_db):
    """Recreate the rows data migrations made, which a transactional test's flush
    removes: funding sources, learner categories and the consent texts (of
    applications and of intake notices)."""
    from django.apps import apps

    for module, function in [
        ("programs.migrations.0002_reference_rows", "create_rows"),
        ("programs.migrations.0005_fill_streams", "fill_streams"),
        ("enrollment.migrations.0002_consent_texts", "create_texts"),
        ("programs.migrations.0009_intake_notices", "create_consent_text"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def postgresql():
    """Skip on SQLite; CI runs the suite on PostgreSQL, where nothing is skipped."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a test that did not run: fail the session."""
    import os

    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; every test must run.")
        session.exitstatus = 1


def run_due_tasks() -> int:
    """Run every task that is due, one after another, as a worker does
    (``manage.py db_worker --batch``), in this process; return how many ran.

    The worker's own loop closes the connection between tasks, which would end
    a test's transaction; so this claims and runs them one by one through the
    worker's ``run_task``.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            task = DBTaskResult.objects.ready().get_locked()
            if task is None:
                return ran
            task.claim(worker.worker_id)
        worker.run_task(task)
        ran += 1


@pytest.fixture
def run_tasks():
    """Run the tasks that are due (e-mails, look-ups), as the worker would."""
    return run_due_tasks
