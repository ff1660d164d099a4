"""What /healthz checks: the database, the cache and the task queue."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    """Does the database run a query?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return False
    return True


def cache_answers() -> bool:
    """Write a value and read it back. The cache ignores its own errors (so
    that pages survive without it); a value that does not come back is how
    an outage shows."""
    key, value = "healthz", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key) == value
    except Exception:
        answered = False
    if not answered:
        logger.error("Health check: the cache does not answer")
    return answered


def oldest_waiting_task_seconds() -> int:
    """How long the oldest task that is due has been waiting for a worker (0
    when none waits): a stopped worker shows as a number that keeps growing."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", "run_after")
        .first()
    )
    if oldest is None:
        return 0
    enqueued_at, run_after = oldest
    since = enqueued_at if run_after == get_date_max() else max(enqueued_at, run_after)
    return max(int((timezone.now() - since).total_seconds()), 0)
