"""The shared cache (Redis) as the portal uses it: something to do without.

django-redis already turns Redis's errors into cache misses when its
IGNORE_EXCEPTIONS option is on, but a Redis that hangs still costs every
operation its full socket timeout. ``ResilientClient`` adds a breaker: after
one failure the cache is skipped by this process for CACHE_RETRY_SECONDS,
then tried again, so an outage costs one timeout per process per pause.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)


class Breaker:
    """Open for a while after a failure; closed otherwise. One per process."""

    def __init__(self) -> None:
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        pause = getattr(settings, "CACHE_RETRY_SECONDS", 10)
        with self._lock:
            if not self.is_open():
                logger.error(
                    "The cache does not answer; going without it for %ss", pause
                )
            self._open_until = time.monotonic() + pause

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


breaker = Breaker()


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: DefaultClient, *args: Any, **kwargs: Any) -> Any:
        if breaker.is_open():
            raise ConnectionInterrupted(connection=None)
        try:
            return method(self, *args, **kwargs)
        except ConnectionInterrupted:
            breaker.trip()
            raise

    return guarded


class ResilientClient(DefaultClient):
    """django-redis's client behind the breaker (CLIENT_CLASS)."""


# The operations Django's cache API, django-ratelimit and the pages use.
for _name in (
    "get",
    "get_many",
    "set",
    "set_many",
    "add",
    "incr",
    "decr",
    "delete",
    "delete_many",
    "has_key",
    "touch",
    "expire",
    "ttl",
    "clear",
):
    setattr(ResilientClient, _name, _guarded(getattr(DefaultClient, _name)))
