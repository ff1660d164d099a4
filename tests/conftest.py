import importlib

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Russian, whatever language an earlier request left active."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def reference_rows(transactional_db):
    """Recreate the rows data migrations made, which a transactional test's flush
    removes: funding sources, learner categories and the consent texts."""
    from django.apps import apps

    for module, function in [
        ("programs.migrations.0002_reference_rows", "create_rows"),
        ("enrollment.migrations.0002_consent_texts", "create_texts"),
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
