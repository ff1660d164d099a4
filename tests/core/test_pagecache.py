"""Public pages shared through the cache by every visitor who sees the same
page, whatever cookies of their own they carry (core.pagecache)."""

import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from copp.accessibility import COOKIE
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture(autouse=True)
def shared_cache(settings):
    settings.CATALOG_CACHE_SECONDS = 5
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pages():
    cohort = CohortFactory()
    return ["/", "/programs/", f"/programs/{cohort.program.slug}/", "/partners/"]


def visitor(**cookies) -> Client:
    """A returning visitor: a CSRF cookie of their own, and whatever else."""
    client = Client()
    client.cookies["csrftoken"] = uuid.uuid4().hex
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def test_returning_visitors_share_the_cached_page(pages):
    for path in pages:
        first = visitor().get(path)
        assert first.status_code == 200
        assert "Age" not in first
        second = visitor().get(path)
        assert second.status_code == 200
        assert int(second["Age"]) <= 5
        assert second.content == first.content
        assert "max-age=5" in second["Cache-Control"]
        assert "Cookie" in second["Vary"]
        assert not second.cookies


def test_a_cached_answer_keeps_every_security_header(pages, settings):
    fresh = visitor().get(pages[1])
    cached = visitor().get(pages[1])
    assert "Age" in cached
    for header in SECURITY_HEADERS:
        assert cached[header] == fresh[header], header


def test_the_version_for_the_visually_impaired_is_its_own_page(pages):
    plain = visitor().get("/programs/")
    assert '<html lang="ru">' in plain.content.decode()
    a11y = visitor(**{COOKIE: "size=3&scheme=wb&images=off"}).get("/programs/")
    html = a11y.content.decode()
    assert "Age" not in a11y
    assert (
        '<html lang="ru" class="a11y a11y-size-3 a11y-scheme-wb a11y-no-images">'
        in html
    )
    # The same choice written differently is the same page.
    again = visitor(**{COOKIE: "images=off&scheme=wb&size=3&junk=1"}).get("/programs/")
    assert "Age" in again
    assert again.content == a11y.content


def test_languages_are_different_pages(pages):
    russian = visitor().get("/programs/")
    english = visitor().get("/en/programs/")
    assert "Age" not in english
    assert english.content != russian.content
    assert 'lang="en"' in english.content.decode()


def test_staff_are_never_served_nor_stored(pages):
    staff = Client()
    staff.force_login(
        get_user_model().objects.create_user("intake", password="x", is_staff=True)
    )
    visitor().get("/programs/")
    answer = staff.get("/programs/")
    assert answer.status_code == 200
    assert "Age" not in answer
    cache.clear()
    staff.get("/programs/")
    assert "Age" not in visitor().get("/programs/")


def test_a_visitor_with_a_message_waiting_gets_the_page_made_for_them(pages):
    visitor().get("/programs/")
    answer = visitor(messages="anything").get("/programs/")
    assert "Age" not in answer


def test_only_plain_successful_gets_are_stored(pages):
    assert visitor().get("/programs/no-such-program/").status_code == 404
    assert "Age" not in visitor().get("/programs/no-such-program/")
    # Another query string is another page.
    visitor().get("/programs/?page=1")
    assert "Age" not in visitor().get("/programs/?page=2")


def test_without_the_cache_setting_nothing_is_stored(pages, settings):
    settings.CATALOG_CACHE_SECONDS = 0
    visitor().get("/programs/")
    answer = visitor().get("/programs/")
    assert "Age" not in answer
    assert "Cookie" in answer["Vary"]


def test_each_process_keeps_its_last_pages_no_longer_than_the_shared_cache(
    pages, settings
):
    settings.CATALOG_CACHE_SECONDS = 1
    server = visitor()  # one client: one process's middleware
    assert "Age" not in server.get("/programs/")
    cache.clear()  # the shared copy gone: the process still has its own
    assert "Age" in server.get("/programs/")
    time.sleep(1.1)
    assert "Age" not in server.get("/programs/")


def test_pages_that_are_not_shared_are_not_looked_up_again(pages):
    cohort = CohortFactory()
    server = visitor()
    form = f"/apply/{cohort.pk}/"
    assert server.get(form).status_code == 200
    # The first middleware, as Django wraps it (functools.wraps shares its
    # attributes).
    middleware = server.handler._middleware_chain
    assert form in middleware.not_shared
    assert "/programs/" not in middleware.not_shared
    server.get("/programs/")
    assert "/programs/" not in middleware.not_shared
