import xml.etree.ElementTree as ET

import pytest
from django.db import DatabaseError
from django.test import RequestFactory
from django.utils import translation

from copp.views import server_error
from tests.factories import CohortFactory, ProgramFactory, submit

pytestmark = pytest.mark.django_db


def test_home_shows_directions_soon_cohorts_and_figures(client):
    cohort = CohortFactory()
    ProgramFactory(is_published=False)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert cohort.program.direction.name in html
    assert cohort.program.title in html
    figures = response.context["figures"]
    assert (figures.programs, figures.open_cohorts, figures.directions) == (1, 1, 1)
    assert response.context["people_trained"] == 0


def test_home_counts_people_trained_from_completed_applications(client):
    from enrollment.models import Application

    cohort = CohortFactory(capacity=5)
    applications = [submit(cohort) for _ in range(3)]
    Application.objects.filter(pk__in=[a.pk for a in applications[:2]]).update(
        status="completed"
    )
    assert client.get("/").context["people_trained"] == 2


def test_pages_are_russian_at_the_root_and_english_under_en(client):
    ru = client.get("/programs/")
    en = client.get("/en/programs/")
    assert ru["Content-Language"] == "ru"
    assert en["Content-Language"] == "en"
    assert '<html lang="ru">' in ru.content.decode()
    assert "Каталог программ" in ru.content.decode()
    assert "Program catalog" in en.content.decode()


def test_language_switch_links_to_the_same_page(client):
    program = ProgramFactory(slug="welding-basics")
    html = client.get(program.get_absolute_url() + "?x=1").content.decode()
    assert 'href="/en/programs/welding-basics/?x=1"' in html
    html = client.get("/en/programs/welding-basics/").content.decode()
    assert 'href="/programs/welding-basics/"' in html


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["cache"]) == ("ok", "up", "up")
    assert body["queue"]["workers"] == "up"


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    from django.db import connection

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_sitemap_lists_published_programs_in_both_languages(client):
    published = ProgramFactory(slug="published-one")
    ProgramFactory(slug="draft-one", is_published=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {node.text for node in root.findall("s:url/s:loc", ns)}
    assert f"http://testserver{published.get_absolute_url()}" in locations
    assert "http://testserver/en/programs/published-one/" in locations
    assert not any("draft-one" in loc for loc in locations)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/no-such-page/", "Страница не найдена"),
        ("/en/no-such-page/", "Page not found"),
    ],
)
def test_friendly_404_in_both_languages(client, path, text):
    response = client.get(path)
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"),
    [("ru", "Что-то пошло не так"), ("en", "Something went wrong")],
)
def test_friendly_500_in_both_languages(language, text):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)
    assert response.status_code == 500
    assert text in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/apply/99999999999999999999999/",
        "/partners/99999999999999999999999/logo/",
        "/applications/abc/documents/99999999999999999999999/",
        "/staff/documents/99999999999999999999999/",
    ],
)
def test_ids_too_big_for_the_database_are_404(client, path):
    assert client.get(path).status_code == 404


def test_a_database_outage_gets_a_friendly_503_not_a_traceback(client, monkeypatch):
    from django.db import OperationalError, connection

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    client.raise_request_exception = False
    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    monkeypatch.setattr(connection, "cursor", unreachable)
    response = client.get("/programs/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Портал ненадолго недоступен" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_a_django_log_line_is_printed_once_under_debug(settings, capsys):
    """Django's own "django" logger prints under DEBUG and passes the line up
    to the root's handler too: the settings leave only the root's."""
    import logging

    from django.utils.log import configure_logging

    settings.DEBUG = True
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    try:
        logging.getLogger("django.request").warning("once-only-marker")
        printed = capsys.readouterr().err
    finally:
        settings.DEBUG = False
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    assert printed.count("once-only-marker") == 1


def test_an_amendment_that_is_not_a_number_is_404(admin_client):
    from partners.models import Agreement, Partner

    partner = Partner.objects.create(
        full_name="АО «Завод»",
        short_name="Завод",
        inn="7707083893",
        kpp="773601001",
        ogrn="1027700132195",
    )
    agreement = Agreement.objects.create(
        partner=partner, kind="network", number="1", subject="Практика"
    )
    url = f"/admin/partners/agreement/{agreement.pk}/scan/"
    for value in ("²", "１", "abc", "9" * 40, "-1"):
        assert admin_client.get(f"{url}?amendment={value}").status_code == 404


def test_alternates_are_absolute_with_an_x_default(client):
    html = client.get("/programs/").content.decode()
    assert (
        '<link rel="alternate" hreflang="ru" href="http://testserver/programs/">'
        in html
    )
    assert (
        '<link rel="alternate" hreflang="en" href="http://testserver/en/programs/">'
        in html
    )
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/programs/">'
        in html
    )
    english = client.get("/en/programs/").content.decode()
    assert 'hreflang="x-default" href="http://testserver/programs/"' in english


def test_every_page_names_its_icon_and_the_root_icon_answers(client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon" in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".ico")


def test_every_english_page_says_teaching_is_in_russian_and_marks_russian_text(
    client,
):
    cohort = CohortFactory(program=ProgramFactory(title="Оператор станков с ЧПУ"))
    application = submit(cohort=cohort)
    program_path = cohort.program.get_absolute_url()
    status_path = application.get_absolute_url()
    pages = [
        "/en/",
        "/en/programs/",
        f"/en{program_path}",
        f"/en/apply/{cohort.pk}/",
        f"/en{status_path}",
        "/en/applications/lost-link/",
        "/en/consent/processing/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "Teaching is in Russian." in html, path
        # The same page in Russian, named in Russian.
        assert 'hreflang="ru" lang="ru">Эта страница на русском</a>' in html, path
    apply_page = client.get(f"/en/apply/{cohort.pk}/").content.decode()
    assert '<p class="fw-semibold mb-1" lang="ru">Оператор станков с ЧПУ</p>' in (
        apply_page
    )
    program_page = client.get(f"/en{program_path}").content.decode()
    assert '<h1 class="h2" lang="ru">Оператор станков с ЧПУ</h1>' in program_page
    catalog = client.get("/en/programs/").content.decode()
    assert 'lang="ru">Оператор станков с ЧПУ</a>' in catalog
    for path in ["/", "/programs/", program_path]:
        assert "language-note" not in client.get(path).content.decode(), path
