"""Outages of what the portal talks to: the cache (Redis) and the mail server.

Without Redis the pages render uncached, the rate limits fail open and
/healthz says so; a mail server that accepts and never answers is never
waited on by a request, and costs the worker EMAIL_TIMEOUT and a retry.
"""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from copp.settings.base import resilient_cache
from core.cache import breaker
from enrollment.models import Application
from tests.enrollment.test_views import form_data
from tests.factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


class SilentServer:
    """A TCP server that accepts connections and never says a word: a hung
    Redis or mail server. ``accepted`` counts who connected."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _address = self.listener.accept()
                self.accepted.append(connection)

    def close(self) -> None:
        for connection in self.accepted:
            connection.close()
        self.listener.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def closed_breaker():
    """Each test meets the cache as a fresh process does."""
    breaker.reset()
    yield
    breaker.reset()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def public_pages_answer(client) -> dict[str, int]:
    program = ProgramFactory(slug="cnc")
    cohort = CohortFactory(program=program)
    answers = {
        path: client.get(path).status_code
        for path in ("/", "/programs/", "/programs/cnc/", "/partners/", "/en/")
    }
    response = client.post(reverse("enrollment:apply", args=[cohort.pk]), form_data())
    answers["POST apply"] = response.status_code
    answers["lost link"] = client.post(
        reverse("enrollment:lost_link"), {"email": "a@example.org"}
    ).status_code
    return answers


@pytest.mark.parametrize("outage", ["refused", "hung"])
def test_without_redis_pages_render_and_forms_stay_open(client, silent_server, outage):
    port = closed_port() if outage == "refused" else silent_server.port
    cache = resilient_cache(f"redis://127.0.0.1:{port}/0")
    with override_settings(
        CACHES={"default": cache},
        RATE_LIMITS={"apply": "1/h", "lost_link": "1/h", "upload": "1/h"},
    ):
        answers = public_pages_answer(client)
        # Limits cannot count without the cache: they fail open, on purpose.
        again = client.post(reverse("enrollment:lost_link"), {"email": "b@x.org"})
        health = client.get("/healthz")
    assert answers == {
        "/": 200,
        "/programs/": 200,
        "/programs/cnc/": 200,
        "/partners/": 200,
        "/en/": 200,
        "POST apply": 302,
        "lost link": 302,
    }
    assert again.status_code == 302
    assert Application.objects.count() == 1
    assert health.status_code == 200  # this server still serves
    body = health.json()
    assert (body["status"], body["database"], body["cache"]) == (
        "degraded",
        "up",
        "down",
    )


def test_a_hung_mail_server_is_never_waited_on_by_a_request(
    client, silent_server, settings, run_tasks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent_server.port
    settings.EMAIL_TIMEOUT = 1
    answers = public_pages_answer(client)
    assert answers["POST apply"] == 302 and answers["lost link"] == 302
    # Applying and asking for the links wrote e-mails; no request connected.
    assert silent_server.accepted == []
    assert DBTaskResult.objects.filter(status="READY").exists()

    # The worker tries, gives up after EMAIL_TIMEOUT, and schedules a retry.
    run_tasks()
    assert len(silent_server.accepted) >= 1
    retries = DBTaskResult.objects.filter(
        status="READY", task_path="core.mail.deliver_email"
    )
    assert retries.exists()
    assert all(r.args_kwargs["kwargs"]["attempt"] == 2 for r in retries)
    assert mail.outbox == []


def test_after_one_failure_the_cache_is_left_alone_for_a_while(
    client, silent_server, settings
):
    """A Redis that hangs costs one timeout, not one per operation: the
    process goes without it for CACHE_RETRY_SECONDS, then tries again."""
    settings.CACHE_RETRY_SECONDS = 60
    with override_settings(
        CACHES={"default": resilient_cache(f"redis://127.0.0.1:{silent_server.port}/0")}
    ):
        from django.core.cache import cache

        assert cache.get("anything") is None  # waits CACHE_TIMEOUT, trips
        connections_after_first = len(silent_server.accepted)
        for _ in range(20):
            cache.set("key", "value")
            assert cache.get("key") is None
        assert client.get("/programs/").status_code == 200
        assert len(silent_server.accepted) == connections_after_first
        assert breaker.is_open()
        breaker.reset()  # the pause is over
        cache.get("anything")
        assert breaker.is_open()  # tried again, still down
