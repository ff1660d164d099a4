import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from programs.models import Program, ProgramKind
from tests.factories import CohortFactory, DirectionFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    program = ProgramFactory(title="Оператор станков с ЧПУ")
    CohortFactory.create_batch(2, program=program)
    return program


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:programs_program_changelist",
        "admin:programs_program_add",
        "admin:programs_cohort_changelist",
        "admin:programs_cohort_add",
        "admin:programs_direction_changelist",
        "admin:programs_venue_changelist",
    ],
)
def test_catalog_admin_pages_open(admin_client, program, url_name):
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200


def test_program_change_page_shows_its_cohorts_inline(admin_client, program):
    response = admin_client.get(
        reverse("admin:programs_program_change", args=[program.pk])
    )
    assert response.status_code == 200
    for cohort in program.cohorts.all():
        assert cohort.code in response.content.decode()


def test_admin_search_and_filters(admin_client, program):
    other = ProgramFactory(title="Сварщик", kind=ProgramKind.PO_RETRAINING)
    url = reverse("admin:programs_program_changelist")
    response = admin_client.get(url, {"q": "ЧПУ"})
    assert list(response.context["cl"].result_list) == [program]
    response = admin_client.get(url, {"kind__exact": ProgramKind.PO_RETRAINING})
    assert list(response.context["cl"].result_list) == [other]


def test_direction_autocomplete_finds_by_name(admin_client):
    DirectionFactory(name="Сварочные технологии")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Сварочные",
            "app_label": "programs",
            "model_name": "program",
            "field_name": "direction",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Сварочные технологии"]


def test_admin_refuses_a_short_dpo_program_with_a_field_message(admin_client):
    direction = DirectionFactory()
    data = {
        "title": "Короткая программа",
        "slug": "short",
        "direction": direction.pk,
        "kind": ProgramKind.DPO_RETRAINING,
        "study_form": "full_time",
        "hours": "100",
        "price": "0",
        "min_age": "18",
        "required_education": "secondary_vocational",
        "summary": "Кратко",
        "description": "Описание",
        "cohorts-TOTAL_FORMS": "0",
        "cohorts-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:programs_program_add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "250" in form.errors["hours"][0]
    assert form["title"].value() == "Короткая программа"
    assert not Program.objects.filter(slug="short").exists()


def test_unpublish_and_publish_actions_change_state_and_log_it(admin_client, program):
    draft = ProgramFactory(is_published=False)
    url = reverse("admin:programs_program_changelist")
    response = admin_client.post(
        url,
        {"action": "publish", "_selected_action": [program.pk, draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.is_published
    assert LogEntry.objects.filter(object_id=str(draft.pk), action_flag=CHANGE).exists()
    assert not LogEntry.objects.filter(object_id=str(program.pk)).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["1 программа изменена; уже были в нужном состоянии: 1."]

    admin_client.post(url, {"action": "unpublish", "_selected_action": [program.pk]})
    program.refresh_from_db()
    assert not program.is_published
