"""The public side of the streams: «Can I study for free?» on the program page,
the stream on the application form, the papers on the applicant's page."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from enrollment.models import Applicant, Application
from programs.models import Cohort, LearnerCategory, PaperKind
from tests.enrollment.test_views import form_data
from tests.factories import CohortFactory, ProgramFactory, stream

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    program = ProgramFactory(slug="welder", min_age=18)
    program.categories.set(LearnerCategory.objects.all())
    return CohortFactory(
        program=program,
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        quotas={"federal": 5, "personal": 3},
        starts_on=timezone.localdate() + datetime.timedelta(days=30),
    )


def check_url(cohort) -> str:
    return reverse("programs:eligibility", args=[cohort.program.slug])


def apply_url(cohort) -> str:
    return reverse("enrollment:apply", kwargs={"cohort_id": cohort.pk})


def unemployed_pk() -> str:
    return str(LearnerCategory.objects.get(code="unemployed").pk)


# --- «Can I study for free?» -------------------------------------------------------


def test_the_program_page_offers_the_check_and_shows_seats_per_stream(client, cohort):
    html = client.get(cohort.program.get_absolute_url()).content.decode()
    assert check_url(cohort) in html
    assert "Можно ли учиться бесплатно?" in html
    assert stream("federal").name in html and stream("personal").name in html


def test_an_eligible_person_learns_the_streams_and_the_papers(client, cohort):
    before = (
        Applicant.objects.count(),
        Application.objects.count(),
        Session.objects.count(),
    )
    response = client.post(
        check_url(cohort),
        {
            "birth_date": "1990-05-17",
            "education_level": "secondary_general",
            "categories": [unemployed_pk()],
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    verdicts = {v.stream.code: v for v in response.context["verdicts"]}
    assert verdicts["federal"].eligible and verdicts["personal"].eligible
    html = response.content.decode()
    assert str(PaperKind.EMPLOYMENT_SERVICE.label) in html
    assert f"{apply_url(cohort)}?stream={stream('federal').pk}" in html
    assert "Да: вы можете учиться бесплатно" in html
    # Nothing stored, no session started.
    after = (
        Applicant.objects.count(),
        Application.objects.count(),
        Session.objects.count(),
    )
    assert after == before
    assert "sessionid" not in response.cookies


def test_without_a_category_the_answer_says_why_and_what_fits(client, cohort):
    response = client.post(
        check_url(cohort),
        {"birth_date": "1990-05-17", "education_level": "secondary_general"},
    )
    verdicts = {v.stream.code: v for v in response.context["verdicts"]}
    assert not verdicts["federal"].eligible
    assert verdicts["personal"].eligible
    html = response.content.decode()
    assert "Отметьте категорию" in html


def test_a_bad_date_is_shown_and_the_answers_kept(client, cohort):
    response = client.post(
        check_url(cohort),
        {"birth_date": "31.02.1990", "education_level": "higher"},
    )
    assert response.status_code == 200
    assert response.context["verdicts"] is None
    assert "birth_date" in response.context["form"].errors
    assert 'value="higher" selected' in response.content.decode()


def test_the_check_of_an_unknown_program_is_404(client):
    assert client.get("/programs/none/eligibility/").status_code == 404


# --- The application form ----------------------------------------------------------


def test_the_form_asks_for_the_stream_and_offers_adult_categories_only(client, cohort):
    response = client.get(apply_url(cohort))
    form = response.context["form"]
    assert {s.code for s in form.fields["stream"].queryset} == {"federal", "personal"}
    assert "accepts_other_streams" in form.fields
    codes = {c.code for c in form.fields["categories"].queryset}
    assert "pupil_6_7" not in codes and "unemployed" in codes
    assert "18" in str(form.fields["birth_date"].help_text)


def test_the_check_leads_to_the_form_with_the_stream_chosen(client, cohort):
    federal = stream("federal").pk
    response = client.get(f"{apply_url(cohort)}?stream={federal}")
    assert response.context["form"]["stream"].value() == federal
    assert client.get(f"{apply_url(cohort)}?stream=²").status_code == 200


def test_an_ineligible_choice_is_explained_and_nothing_typed_is_lost(client, cohort):
    data = form_data(stream=str(stream("federal").pk))
    response = client.post(apply_url(cohort), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["stream"]
    assert stream("personal").name in errors[0]  # what fits instead
    assert response.context["form"]["last_name"].value() == "Смирнова"
    assert not Application.objects.exists()


def test_an_eligible_person_applies_on_the_federal_stream(client, cohort):
    data = form_data(stream=str(stream("federal").pk), categories=[unemployed_pk()])
    response = client.post(apply_url(cohort), data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.stream.code, application.status) == ("federal", "offered")
    page = client.get(response["Location"]).content.decode()
    assert stream("federal").name in page
    assert str(PaperKind.EMPLOYMENT_SERVICE.label) in page
    assert "Не загружен" in page or "Нет" in page


def test_the_service_refuses_whatever_the_form_posts(client, cohort):
    # A stream of another group, by its number.
    data = form_data(stream=str(stream("employer").pk), categories=[unemployed_pk()])
    response = client.post(apply_url(cohort), data)
    assert response.status_code == 200
    assert response.context["form"].errors["stream"]
    assert not Application.objects.exists()
