"""The work screen of an application: the checklist of what it still needs
and the one next step, as staff see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enrollment import services
from enrollment.models import ApplicationStatus
from enrollment.worksheet import worksheet
from programs.models import Cohort
from tests.factories import CohortFactory, pdf_file, submit

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def staff(admin_user):
    return services.Actor.staff(admin_user)


def states(sheet) -> dict[str, str]:
    return {line.label: line.state for line in sheet.lines}


def test_a_new_application_is_taken_into_review_first():
    application = submit(CohortFactory(), snils="")
    sheet = worksheet(application)
    assert sheet.next_step.action == "take_into_review"
    lines = states(sheet)
    assert lines["СНИЛС"] == "problem"
    assert lines["Согласие на обработку персональных данных"] == "done"


def test_every_required_document_is_listed_even_when_never_uploaded():
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    application = submit(cohort)
    required = [line for line in worksheet(application).lines if line.key == "document"]
    assert required and all(line.text == "не загружен" for line in required)
    assert all(line.state == "problem" for line in required)


def test_a_document_to_check_is_the_next_step_and_then_the_offer(staff):
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    application = submit(cohort, documents=[("passport", pdf_file())])
    services.take_into_review(application=application, actor=staff)
    application.refresh_from_db()
    sheet = worksheet(application)
    document = application.documents.get()
    assert sheet.next_step.document == document
    services.verify_document(document=document, actor=staff)
    sheet = worksheet(application)
    assert sheet.next_step.action == "accept"


def test_an_offer_not_answered_and_a_contract_not_prepared_are_shown():
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME)
    application = submit(cohort, stream_code="personal")
    assert application.status == S.OFFERED
    sheet = worksheet(application)
    lines = {line.key: line for line in sheet.lines}
    assert lines["offer"].state == "problem"
    assert lines["offer"].text.startswith("ещё нет ответа")
    assert lines["contract"].text == "не подготовлен"
    assert sheet.next_step.page == "admin:enrollment_contract_prepare"


def test_the_work_screen_shows_the_next_step_and_the_checklist(admin_client):
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    application = submit(cohort)
    html = admin_client.get(
        reverse("admin:enrollment_application_change", args=[application.pk])
    ).content.decode()
    act = reverse(
        "admin:enrollment_application_act", args=[application.pk, "take_into_review"]
    )
    # Taking into review asks nothing more: one click, no page to confirm.
    assert f'<form method="post" action="{act}">' in html
    assert html.count(act) == 1  # not repeated in the menu
    response = admin_client.post(act)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert "Следующий шаг" in html and "Что нужно" in html
    assert 'name="_save"' not in html  # changed through its steps only


def test_the_history_reads_as_words_in_moscow_time(admin_client, admin_user):
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    application = submit(cohort)
    services.take_into_review(
        application=application, actor=services.Actor.staff(admin_user)
    )
    html = admin_client.get(
        reverse("admin:enrollment_application_history", args=[application.pk])
    ).content.decode()
    assert "Подана → На рассмотрении" in html
    assert "in_review" not in html and "None" not in html
    assert "Changes" not in html
    assert 'style="' not in html


def test_the_days_queues_count_and_list_the_work_waiting(admin_client, admin_user):
    import datetime

    from django.utils import timezone

    from enrollment.models import Application
    from enrollment.services.contracts import (
        check_signed_contract,
        prepare_contract,
        send_contract,
        upload_signed_contract,
    )
    from enrollment.worksheet import queue_filter, work_queue
    from programs.services import update_centre
    from tests.enrollment.test_contracts import CENTRE, paid_group, prepared

    update_centre(user=admin_user, changes=CENTRE)
    staff = services.Actor.staff(admin_user)
    review = submit(CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW))
    documents = submit(
        CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW),
        documents=[("passport", pdf_file())],
    )
    offered, party = prepared(
        paid_group(admission_mode=Cohort.AdmissionMode.FIRST_COME)
    )
    assert offered.status == S.OFFERED
    soon = timezone.now() + datetime.timedelta(hours=5)
    Application.objects.filter(pk=offered.pk).update(offer_expires_at=soon)
    send_contract(
        contract=prepare_contract(application=offered, actor=staff, party=party),
        actor=staff,
    )
    counts = {q.key: q.count for q in work_queue()}
    assert counts == {
        "review": 2,  # both new ones
        "documents": 1,
        "offers": 1,
        "signature": 1,
        "payment": 0,
    }
    assert list(Application.objects.filter(queue_filter("documents"))) == [documents]
    home = admin_client.get(reverse("admin:index")).content.decode()
    changelist = reverse("admin:enrollment_application_changelist")
    assert f'href="{changelist}?queue=offers"' in home
    listed = admin_client.get(changelist + "?queue=review").content.decode()
    assert review.applicant.last_name in listed
    assert offered.applicant.last_name not in listed
    contract = offered.contracts.get()
    upload_signed_contract(contract=contract, upload=pdf_file(), actor=staff)
    check_signed_contract(contract=contract, actor=staff, accepted=True)
    counts = {q.key: q.count for q in work_queue()}
    assert (counts["signature"], counts["payment"]) == (0, 1)


def test_a_document_is_shown_as_pictures_of_its_pages_on_the_review_page(
    admin_client,
):
    from enrollment.previews import MAX_PAGES
    from tests.factories import png_file

    application = submit(
        CohortFactory(),
        documents=[("passport", pdf_file()), ("education", png_file())],
    )
    pdf, picture = application.documents.order_by("pk")
    for document in (pdf, picture):
        page = admin_client.get(
            reverse(
                "admin:enrollment_application_review_document",
                args=[application.pk, document.pk],
            )
        ).content.decode()
        first = reverse("staff:staff_document_page", args=[document.pk, 0])
        assert f'<img src="{first}"' in page
        response = admin_client.get(first)
        assert response["Content-Type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
        assert response["Cache-Control"] == "no-store, private"
        assert "sandbox" in response["Content-Security-Policy"]
    beyond = reverse("staff:staff_document_page", args=[pdf.pk, MAX_PAGES])
    assert admin_client.get(beyond).status_code == 404
    assert (
        admin_client.get(
            reverse("staff:staff_document_page", args=[picture.pk, 1])
        ).status_code
        == 404
    )


def test_a_damaged_file_is_offered_for_download_instead(admin_client):
    from django.core.files.base import ContentFile

    application = submit(CohortFactory(), documents=[("passport", pdf_file())])
    document = application.documents.get()
    document.file.save("broken.pdf", ContentFile(b"%PDF-1.4 broken"), save=True)
    page = admin_client.get(
        reverse(
            "admin:enrollment_application_review_document",
            args=[application.pk, document.pk],
        )
    ).content.decode()
    assert "staff_document_page" not in page and "<img" not in page
    assert "скачайте" in page.lower()


@pytest.mark.parametrize(
    ("agent", "shown"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Chrome 126 · Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/125.0 YaBrowser/24.4.1 Mobile Safari/537.36",
            "Яндекс Браузер 24 · Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
            " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17 · iOS",
        ),
        ("pytest", "pytest"),
    ],
)
def test_a_consents_browser_is_named_in_a_few_words(agent, shown):
    from enrollment.admin.inlines import browser_of

    assert browser_of(agent) == shown
