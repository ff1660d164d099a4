"""Security headers, production settings, rate limits, the staff login lockout
and the honeypot."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

from enrollment.models import Application
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_page_sends_the_security_headers(client):
    CohortFactory()
    for path in ("/", "/programs/", "/applications/lost-link/", "/admin/login/"):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_settings_pass_the_deployment_check():
    # The browser tests allow the ORM in Playwright's event loop; not so here.
    inherited = {
        k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "copp.settings.production",
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-9f3k",
        "ALLOWED_HOSTS": "copp.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/copp",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.fixture
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@override_settings(RATE_LIMITS={"apply": "3/h", "lost_link": "2/h", "upload": "2/h"})
def test_the_lost_link_form_is_limited_with_a_clear_429(client, fresh_limits):
    for _ in range(2):
        response = client.post("/applications/lost-link/", {"email": "a@example.org"})
        assert response.status_code == 302
    response = client.post("/applications/lost-link/", {"email": "a@example.org"})
    assert response.status_code == 429
    # The real wait: what is left of the hour's window, said in the page too.
    wait = int(response["Retry-After"])
    assert 0 < wait <= 3600
    html = response.content.decode()
    assert "Слишком много попыток" in html
    minutes = -(-wait // 60)
    assert f"через {minutes} мин" in html
    assert "<form" not in html or "lost-link" not in html
    # Reading the page is not limited; another address is not either.
    assert client.get("/applications/lost-link/").status_code == 200
    other = client.post(
        "/applications/lost-link/",
        {"email": "a@example.org"},
        REMOTE_ADDR="198.51.100.9",
    )
    assert other.status_code == 302


@override_settings(RATE_LIMITS={"apply": "3/h", "lost_link": "2/h", "upload": "2/h"})
def test_applications_are_limited_per_address(client, fresh_limits):
    cohort = CohortFactory()
    for _ in range(3):
        assert client.post(f"/apply/{cohort.pk}/", {}).status_code == 200  # errors
    response = client.post(f"/apply/{cohort.pk}/", {})
    assert response.status_code == 429
    assert client.get(f"/apply/{cohort.pk}/").status_code == 200
    assert Application.objects.count() == 0


@override_settings(
    RATE_LIMITS={"apply": "3/h", "lost_link": "2/h", "upload": "2/h"},
    CLIENT_IP_HEADER="HTTP_X_REAL_IP",
)
def test_behind_the_proxy_the_real_address_is_counted(client, fresh_limits):
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        for _ in range(2):
            response = client.post(
                "/applications/lost-link/",
                {"email": "a@example.org"},
                HTTP_X_REAL_IP=address,
            )
            assert response.status_code == 302, address
    response = client.post(
        "/applications/lost-link/",
        {"email": "a@example.org"},
        HTTP_X_REAL_IP="203.0.113.1",
    )
    assert response.status_code == 429


def test_staff_login_is_locked_after_repeated_failures(client, django_user_model):
    django_user_model.objects.create_user(
        "clerk", password="right-password-2026", is_staff=True
    )
    for _ in range(4):
        response = client.post(
            "/admin/login/", {"username": "clerk", "password": "wrong"}
        )
        assert response.status_code == 200
    fifth = client.post("/admin/login/", {"username": "clerk", "password": "wrong"})
    assert fifth.status_code == 429
    # Locked out: even the right password is refused for now.
    locked = client.post(
        "/admin/login/", {"username": "clerk", "password": "right-password-2026"}
    )
    assert locked.status_code == 429
    assert "Слишком много попыток" in locked.content.decode()
    # Another person from another address still logs in.
    django_user_model.objects.create_user(
        "other", password="other-password-2026", is_staff=True
    )
    response = client.post(
        "/admin/login/",
        {"username": "other", "password": "other-password-2026"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 302
