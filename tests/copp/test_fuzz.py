"""Arbitrary input into every public form and query parameter: never a 500.

Hypothesis makes the input: any text (control characters and NUL bytes,
which PostgreSQL refuses, other scripts, very long), several values for one name, numbers where words are expected and
the other way round. Each answer must be below 500.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copp import roles
from tests.factories import CohortFactory, pdf_file, submit

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What people and robots put into fields: any text, numbers, dates, lists.
value = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.integers().map(str),
    st.dates().map(str),
    st.sampled_from(["", " ", "0", "-1", "null", "None", "../../etc/passwd", "%00"]),
)
values = st.one_of(value, st.lists(value, max_size=4))


def params(names: list[str]):
    """A dict of some of ``names`` (and a stranger) to arbitrary values."""
    return st.dictionaries(
        st.one_of(st.sampled_from(names), st.text(max_size=20)), values, max_size=8
    )


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.status_code


@pytest.fixture
def site():
    cohort = CohortFactory()
    application = submit(cohort, documents=[("passport", pdf_file())])
    return cohort, application


CATALOG = [
    "q",
    "direction",
    "kind",
    "form",
    "cost",
    "category",
    "starts",
    "sort",
    "page",
]


@FUZZ
@given(query=params(CATALOG))
def test_catalog_and_home(client, site, query):
    for path in ("/programs/", "/en/programs/", "/"):
        assert_no_server_error(client.get(path, query))


@FUZZ
@given(slug=st.text(max_size=80), token=st.text(max_size=80))
def test_paths_with_any_slug_token_or_id(client, site, slug, token):
    _cohort, application = site
    for path in (
        f"/programs/{quote(slug, safe='')}/",
        f"/applications/{quote(token, safe='')}/",
        f"/applications/{application.token}/documents/{quote(token, safe='')}/",
        f"/apply/{quote(token, safe='')}/",
        f"/consent/{quote(slug, safe='')}/",
        f"/partners/{quote(token, safe='')}/logo/",
    ):
        assert_no_server_error(client.get(path))


APPLY = [
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "sex",
    "phone",
    "email",
    "municipality",
    "education_level",
    "snils",
    "categories",
    "employer_inn",
    "representative_name",
    "representative_relation",
    "representative_phone",
    "representative_email",
    "consent_processing",
    "consent_mailing",
    "submission_key",
    "website",
]


@FUZZ
@given(data=params(APPLY))
def test_the_application_form(client, site, data):
    cohort, _application = site
    assert_no_server_error(client.post(f"/apply/{cohort.pk}/", data))


@FUZZ
@given(data=params(["email", "website"]), query=params(["email"]))
def test_the_lost_link_form(client, site, data, query):
    assert_no_server_error(client.get("/applications/lost-link/", query))
    assert_no_server_error(client.post("/applications/lost-link/", data))


@FUZZ
@given(data=params(["kind", "file", "comment"]))
def test_the_applicants_page_and_its_actions(client, site, data):
    _cohort, application = site
    base = f"/applications/{application.token}/"
    for action in ("upload/", "accept/", "decline/"):
        assert_no_server_error(client.post(base + action, data))
    assert_no_server_error(client.get(base, data))


@FUZZ
@given(query=params(["version", "size", "scheme", "images", "next"]))
def test_the_accessibility_switch(client, query):
    assert_no_server_error(client.get("/accessibility/", query))


@FUZZ
@given(
    query=params(
        [
            "preset",
            "date_from",
            "date_to",
            "direction",
            "program",
            "funding",
            "group",
            "format",
            "panel",
        ]
    )
)
def test_the_reports(client, site, django_user_model, query):
    call_command("setup_roles", verbosity=0)
    manager, _ = django_user_model.objects.get_or_create(
        username="fuzz-manager", defaults={"is_staff": True}
    )
    manager.groups.add(Group.objects.get(name=roles.MANAGERS))
    client.force_login(manager)
    assert_no_server_error(client.get("/reports/", query))
