import pytest
from django.urls import reverse

from enrollment.models import ConsentText
from programs.models import Cohort
from tests.factories import CohortFactory, pdf_file, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME)
    return submit(cohort, documents=[("passport", pdf_file())])


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:enrollment_application_changelist",
        "admin:enrollment_applicant_changelist",
        "admin:enrollment_consenttext_changelist",
        "admin:enrollment_consentrecord_changelist",
    ],
)
def test_enrollment_admin_lists_open(admin_client, application, url_name):
    assert admin_client.get(reverse(url_name)).status_code == 200


def test_application_page_shows_history_and_a_private_document_link(
    admin_client, application
):
    response = admin_client.get(
        reverse("admin:enrollment_application_change", args=[application.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    document = application.documents.get()
    assert reverse("staff:staff_document", args=[document.pk]) in html
    assert "Предложено место" in html


def test_status_cannot_be_changed_by_editing_the_application(admin_client, application):
    url = reverse("admin:enrollment_application_change", args=[application.pk])
    admin_client.post(url, {"status": "completed"})
    application.refresh_from_db()
    assert application.status == "offered"


def test_accepted_consent_text_is_read_only_and_cannot_be_deleted(
    admin_client, application
):
    text = ConsentText.objects.get(kind="processing")
    url = reverse("admin:enrollment_consenttext_change", args=[text.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="body"' not in response.content.decode()
    admin_client.post(
        url, {"kind": "processing", "version": 1, "title": "x", "body": "changed"}
    )
    text.refresh_from_db()
    assert text.body != "changed"
    delete = reverse("admin:enrollment_consenttext_delete", args=[text.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ConsentText.objects.filter(pk=text.pk).exists()


def test_a_new_version_supersedes_the_old_one(admin_client):
    response = admin_client.post(
        reverse("admin:enrollment_consenttext_add"),
        {
            "kind": "processing",
            "version": 2,
            "title": "Согласие, редакция 2",
            "body": "Новый текст",
            "is_required": "on",
        },
    )
    assert response.status_code == 302
    from enrollment.selectors import current_consent_texts

    current = {t.kind: t for t in current_consent_texts()}
    assert current["processing"].version == 2
