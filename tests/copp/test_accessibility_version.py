"""The version for the visually impaired: switched on and off from every public
page, its settings kept in a cookie and applied on the server."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from copp.accessibility import COOKIE, Version
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db
URL = reverse("accessibility")


def html_classes(response) -> str:
    match = re.search(
        r'<html lang="\w+"(?: class="([^"]*)")?>', response.content.decode()
    )
    return match.group(1) or ""


@pytest.fixture
def public_pages():
    cohort = CohortFactory()
    return [
        "/",
        "/programs/",
        f"/programs/{cohort.program.slug}/",
        "/partners/",
        f"/apply/{cohort.pk}/",
        "/applications/lost-link/",
        "/en/programs/",
    ]


def test_every_public_page_offers_the_switch(client, public_pages):
    for path in public_pages:
        response = client.get(path)
        assert response.status_code == 200, path
        link = (
            f'href="{URL}?version=special&amp;next='
            if not path.startswith("/en/")
            else 'href="/en/accessibility/?version=special&amp;next='
        )
        assert link in response.content.decode(), path
        assert html_classes(response) == ""


def test_switching_on_remembers_the_choice_and_goes_back(client, public_pages):
    response = client.get(URL, {"version": "special", "next": "/programs/?q=сварка"})
    assert response.status_code == 302
    assert unquote(response["Location"]) == "/programs/?q=сварка"
    assert response.cookies[COOKIE]["samesite"] == "Lax"
    assert response.cookies[COOKIE]["max-age"] == 365 * 24 * 60 * 60
    for path in public_pages:
        page = client.get(path)
        assert html_classes(page) == "a11y a11y-size-1 a11y-scheme-bw", path
        assert "Обычная версия" in page.content.decode() or path.startswith("/en/")


def test_each_setting_changes_and_the_others_stay(client):
    client.get(URL, {"size": "3"})
    client.get(URL, {"scheme": "blue"})
    client.get(URL, {"images": "off"})
    assert html_classes(client.get("/")) == (
        "a11y a11y-size-3 a11y-scheme-blue a11y-no-images"
    )
    client.get(URL, {"scheme": "wb", "images": "on", "size": "2"})
    assert html_classes(client.get("/")) == "a11y a11y-size-2 a11y-scheme-wb"
    response = client.get(URL, {"version": "regular", "next": "/partners/"})
    assert response["Location"] == "/partners/"
    assert response.cookies[COOKIE].value == ""
    assert html_classes(client.get("/")) == ""


@pytest.mark.parametrize(
    "query",
    [
        {"size": "9", "scheme": "red", "images": "maybe"},
        {"size": "-1"},
        {"size": "２"},
        {"next": "https://evil.example/"},
        {"next": "//evil.example/"},
        {"next": "javascript:alert(1)"},
    ],
)
def test_junk_is_ignored_and_never_leads_away(client, query):
    response = client.get(URL, query)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert html_classes(client.get("/")) == "a11y a11y-size-1 a11y-scheme-bw"


def test_a_broken_cookie_gives_the_defaults():
    assert Version.from_cookie("size=%FF&&scheme=") == Version(enabled=True)
    assert Version.from_cookie("") == Version()


def test_cached_pages_vary_on_the_cookie(client):
    CohortFactory()
    for path in ("/", "/programs/"):
        assert "Cookie" in client.get(path)["Vary"]


def test_the_switch_is_not_for_search_engines(client):
    assert "Disallow: /accessibility/" in client.get("/robots.txt").content.decode()
