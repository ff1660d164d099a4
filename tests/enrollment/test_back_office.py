import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrollment import services
from enrollment.models import (
    Applicant,
    Application,
    ApplicationStatus,
    Completion,
    ConsentRecord,
    Document,
    Note,
    Order,
    StatusChange,
)
from programs.models import Cohort, DocumentKind
from tests.factories import CohortFactory, applicant_data, pdf_file, submit

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def staff(admin_user):
    return services.Actor.staff(admin_user)


@pytest.fixture
def cohort():
    return CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW, capacity=3)


def set_status(application, status):
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


# --- Services ---------------------------------------------------------------------------


def test_rejected_document_asks_the_applicant_for_a_new_one(
    cohort, staff, django_capture_on_commit_callbacks, run_tasks
):
    application = submit(cohort, documents=[("passport", pdf_file())])
    document = application.documents.get()
    with pytest.raises(ValidationError):
        services.reject_document(document=document, actor=staff, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_document(
            document=document, actor=staff, reason="Нечитаемый скан"
        )
    document.refresh_from_db()
    assert (document.status, document.reviewed_by) == (
        Document.Status.REJECTED,
        staff.user,
    )
    run_tasks()
    sent = mail.outbox[-1]
    assert "Нечитаемый скан" in sent.body
    assert application.get_absolute_url() in sent.body
    item = next(
        i
        for i in __import__("enrollment.selectors").selectors.document_checklist(
            application
        )
        if i.kind == "passport"
    )
    assert item.is_missing


def test_verified_document_records_who_and_when(cohort, staff):
    application = submit(cohort, documents=[("passport", pdf_file())])
    document = services.verify_document(
        document=application.documents.get(), actor=staff
    )
    assert document.status == Document.Status.VERIFIED
    assert document.reviewed_at is not None


def test_message_is_mailed_and_kept_as_a_note(
    cohort, staff, django_capture_on_commit_callbacks, run_tasks
):
    application = submit(cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(
            application=application,
            actor=staff,
            subject="Расписание",
            text="Занятия в 18:00",
        )
    run_tasks()
    assert mail.outbox[-1].subject.startswith("Расписание")
    assert Note.objects.get(application=application).author == staff.user


def test_completion_records_the_frdo_document_with_a_unique_number(cohort, staff):
    first, second = (set_status(submit(cohort), S.STUDYING) for _ in range(2))
    document = services.IssuedDocument(
        registration_number="ПК-0001",
        issued_on=datetime.date(2026, 12, 20),
        blank_series="77",
        blank_number="000123",
    )
    completion = services.complete_studies(
        application=first, actor=staff, document=document
    )
    assert completion.document_kind == DocumentKind.WORKER_CERTIFICATE
    assert completion.qualification == first.cohort.program.qualification
    first.refresh_from_db()
    assert first.status == S.COMPLETED
    with pytest.raises(ValidationError) as excinfo:
        services.complete_studies(application=second, actor=staff, document=document)
    assert "registration_number" in excinfo.value.message_dict
    second.refresh_from_db()
    assert second.status == S.STUDYING  # nothing half-done


def test_only_a_learner_who_studies_can_complete(cohort, staff):
    application = submit(cohort)
    with pytest.raises(ValidationError):
        services.complete_studies(
            application=application,
            actor=staff,
            document=services.IssuedDocument("1", datetime.date(2026, 1, 1)),
        )
    assert not Completion.objects.exists()


def test_expelled_learner_gets_a_certificate_of_study_record(cohort, staff):
    application = set_status(submit(cohort), S.STUDYING)
    services.expel(
        application=application,
        actor=staff,
        reason="По собственному желанию",
        certificate=services.IssuedDocument("СПР-1", datetime.date(2026, 12, 1)),
    )
    application.refresh_from_db()
    assert application.status == S.EXPELLED
    assert application.completion.document_kind == DocumentKind.STUDY_CERTIFICATE


def test_employment_is_checked_and_recorded(cohort, staff):
    application = set_status(submit(cohort), S.COMPLETED)
    with pytest.raises(ValidationError) as excinfo:
        services.record_employment(
            application=application,
            actor=staff,
            is_employed=True,
            employer_name="АО «Завод»",
            employer_inn="7707083894",
        )
    assert "employer_inn" in excinfo.value.message_dict
    employment = services.record_employment(
        application=application,
        actor=staff,
        is_employed=True,
        employer_name="АО «Завод»",
        employer_inn="7707083893",
        employed_on=datetime.date(2027, 1, 10),
    )
    assert employment.employer_inn == "7707083893"
    with pytest.raises(ValidationError):
        services.record_employment(
            application=submit(cohort), actor=staff, is_employed=False
        )


def test_merging_keeps_every_application_and_its_history(staff):
    first_cohort, second_cohort = CohortFactory(), CohortFactory()
    a = submit(first_cohort, email="one@example.org", snils="")
    b = submit(
        second_cohort,
        data=applicant_data(email="ONE@example.org", snils="112-233-445 95"),
    )
    keep, merge = a.applicant, b.applicant
    history_before = StatusChange.objects.count()
    services.merge_applicants(keep=keep, merge=merge, actor=staff)
    assert not Applicant.objects.filter(pk=merge.pk).exists()
    assert set(keep.applications.values_list("pk", flat=True)) == {a.pk, b.pk}
    keep.refresh_from_db()
    assert keep.snils == "11223344595"  # blank filled from the merged record
    assert StatusChange.objects.count() == history_before
    assert ConsentRecord.objects.filter(applicant=keep).count() == 2
    assert Note.objects.filter(application=b).exists()
    with pytest.raises(ValidationError):
        services.merge_applicants(keep=keep, merge=keep, actor=staff)


# --- The admin --------------------------------------------------------------------------


def changelist_url() -> str:
    return reverse("admin:enrollment_application_changelist")


def test_bulk_accept_reports_each_row(admin_client, cohort):
    applications = [submit(cohort) for _ in range(4)]
    withdrawn = applications[3]
    services.withdraw_application(
        application=withdrawn, actor=services.Actor.applicant()
    )
    response = admin_client.post(
        changelist_url(),
        {"action": "accept", "_selected_action": [a.pk for a in applications]},
        follow=True,
    )
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == sorted([S.OFFERED, S.OFFERED, S.OFFERED, S.WITHDRAWN])
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Предложено место" in text
    assert withdrawn.applicant.full_name in text  # reported as not done, with why


def test_bulk_reject_asks_for_a_reason_first(admin_client, cohort):
    applications = [submit(cohort) for _ in range(2)]
    selected = [a.pk for a in applications]
    page = admin_client.post(
        changelist_url(), {"action": "reject", "_selected_action": selected}
    )
    assert page.status_code == 200
    assert "reason" in page.content.decode()
    empty = admin_client.post(
        changelist_url(),
        {"action": "reject", "_selected_action": selected, "apply": "1", "reason": ""},
    )
    assert empty.status_code == 200
    assert Application.objects.filter(status=S.REJECTED).count() == 0
    admin_client.post(
        changelist_url(),
        {
            "action": "reject",
            "_selected_action": selected,
            "apply": "1",
            "reason": "Нет мест для этой категории",
        },
    )
    assert Application.objects.filter(status=S.REJECTED).count() == 2


def test_bulk_completion_opens_the_groups_order_and_numbers_documents_in_order(
    admin_client, admin_user
):
    from programs.services import update_centre
    from tests.enrollment.test_contracts import CENTRE

    update_centre(user=admin_user, changes=CENTRE)
    # The regional budget's stream: no contract to be paid first.
    cohort = CohortFactory(quotas={"regional": 3})
    learners = [
        set_status(submit(cohort, snils=snils, stream_code="regional"), S.STUDYING)
        for snils in ("11223344595", "12345678964", "08765430300")
    ]
    other = set_status(submit(CohortFactory()), S.STUDYING)
    mixed = admin_client.post(
        changelist_url(),
        {"action": "complete", "_selected_action": [learners[0].pk, other.pk]},
        follow=True,
    )
    assert "одной группы" in " ".join(str(m) for m in mixed.context["messages"])
    response = admin_client.post(
        changelist_url(),
        {"action": "complete", "_selected_action": [a.pk for a in learners]},
    )
    draft = response["Location"]
    assert draft.startswith(reverse("admin:enrollment_order_draft"))
    form = admin_client.get(draft).context["form"]
    assert sorted(form["applications"].initial) == sorted(a.pk for a in learners)
    admin_client.post(
        draft,
        {
            "dated": cohort.ends_on.isoformat(),
            "applications": [a.pk for a in learners],
            "first_registration_number": "100",
            "registration_prefix": "ПК-",
            "blank_series": "77",
            "first_blank_number": "5000",
        },
    )
    order = Order.objects.get()
    admin_client.post(reverse("admin:enrollment_order_step", args=[order.pk, "sign"]))
    numbers = sorted(Completion.objects.values_list("registration_number", flat=True))
    assert numbers == ["ПК-100", "ПК-101", "ПК-102"]
    assert Application.objects.filter(status=S.COMPLETED).count() == 3


def test_change_page_offers_the_actions_that_fit_the_status(admin_client, cohort):
    application = submit(cohort, documents=[("passport", pdf_file())])
    url = reverse("admin:enrollment_application_change", args=[application.pk])
    html = admin_client.get(url).content.decode()
    assert (
        reverse("admin:enrollment_application_act", args=[application.pk, "accept"])
        in html
    )
    assert (
        reverse("admin:enrollment_application_act", args=[application.pk, "enrol"])
        not in html
    )
    act = reverse("admin:enrollment_application_act", args=[application.pk, "accept"])
    assert admin_client.get(act).status_code == 200
    admin_client.post(act)
    application.refresh_from_db()
    assert application.status == S.OFFERED
    # The history shows who did it.
    html = admin_client.get(url).content.decode()
    assert "admin" in html


def test_a_forbidden_single_action_explains_itself(admin_client, cohort):
    application = submit(cohort)
    act = reverse("admin:enrollment_application_act", args=[application.pk, "enrol"])
    response = admin_client.post(act, follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Не выполнено" in text and "нет действующего предложения места" in text
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_document_review_in_the_admin(admin_client, cohort):
    application = submit(cohort, documents=[("passport", pdf_file())])
    document = application.documents.get()
    url = reverse(
        "admin:enrollment_application_review_document",
        args=[application.pk, document.pk],
    )
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 200  # the reason is required
    admin_client.post(url, {"decision": "reject", "reason": "Обрезан край"})
    document.refresh_from_db()
    assert document.rejection_reason == "Обрезан край"


def test_notes_are_added_from_the_work_screen_with_their_author(
    admin_client, admin_user, cohort
):
    application = submit(cohort)
    page = reverse("admin:enrollment_application_change", args=[application.pk])
    url = reverse("admin:enrollment_application_note", args=[application.pk])
    assert url in admin_client.get(page).content.decode()
    empty = admin_client.post(url, {"text": "  "}, follow=True)
    assert "Заметка пустая" in " ".join(str(m) for m in empty.context["messages"])
    assert not Note.objects.exists()
    response = admin_client.post(url, {"text": "Позвонить после 18:00"})
    assert response["Location"] == page
    note = Note.objects.get()
    assert (note.text, note.author) == ("Позвонить после 18:00", admin_user)
    assert "Позвонить после 18:00" in admin_client.get(page).content.decode()


def test_employment_form_in_the_admin(admin_client, cohort):
    application = set_status(submit(cohort), S.COMPLETED)
    url = reverse("admin:enrollment_application_employment", args=[application.pk])
    assert admin_client.get(url).status_code == 200
    bad = admin_client.post(url, {"is_employed": "on", "employer_name": ""})
    assert bad.status_code == 200
    admin_client.post(url, {"is_employed": "on", "employer_name": "ООО «Робот»"})
    assert application.employment.employer_name == "ООО «Робот»"


def test_duplicates_are_shown_side_by_side_and_merged(admin_client, cohort):
    first = submit(cohort, email="twin@example.org")
    second = submit(CohortFactory(), email="twin@example.org")
    url = reverse("admin:enrollment_applicant_duplicates")
    html = admin_client.get(url).content.decode()
    assert f"#{first.applicant.pk}" in html and f"#{second.applicant.pk}" in html
    admin_client.post(url, {"keep": first.applicant.pk, "merge": second.applicant.pk})
    assert Applicant.objects.count() == 1
    assert admin_client.get(url).context["pairs"] == []


def test_changelist_flags_incomplete_documents_and_duplicates(admin_client, cohort):
    complete = submit(cohort, documents=[("passport", pdf_file())])
    twin = submit(CohortFactory(), email=complete.applicant.email)
    response = admin_client.get(changelist_url())
    rows = {a.pk: a for a in response.context["cl"].result_list}
    assert rows[complete.pk].documents_complete is True
    assert rows[twin.pk].documents_complete is False
    assert rows[complete.pk].possible_duplicate is True


@pytest.mark.parametrize("query", ["Иванов", "person", "+7912", "11223344595"])
def test_changelist_search(admin_client, cohort, query):
    match = submit(cohort, snils="112-233-445 95")
    response = admin_client.get(changelist_url(), {"q": query})
    assert match.pk in [a.pk for a in response.context["cl"].result_list]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:enrollment_application_changelist"),
        reverse("admin:enrollment_application_changelist")
        + "?status__exact=submitted&q=Иванов",
        reverse("admin:programs_cohort_changelist"),
    ],
)
def test_changelists_make_a_bounded_number_of_queries(admin_client, url):
    cohort = CohortFactory(capacity=100)
    for _ in range(3):
        submit(cohort, documents=[("passport", pdf_file())])
    small = _queries(admin_client, url)
    for _ in range(3):
        other = CohortFactory(capacity=100)
        for _ in range(12):
            submit(other)
    large = _queries(admin_client, url)
    assert small == large
    assert large <= 20


def test_cohort_page_shows_queue_and_roster_and_exports_it(admin_client):
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=1)
    seated, waiting = submit(cohort), submit(cohort)
    set_status(seated, S.ENROLLED)
    html = admin_client.get(
        reverse("admin:programs_cohort_change", args=[cohort.pk])
    ).content.decode()
    assert seated.applicant.last_name in html
    assert waiting.applicant.last_name in html
    listing = admin_client.get(reverse("admin:programs_cohort_changelist"))
    row = next(c for c in listing.context["cl"].result_list if c.pk == cohort.pk)
    assert (row.seats_held, row.seats_open, row.waiting_count) == (1, 0, 1)
    response = admin_client.get(
        reverse("admin:programs_cohort_roster", args=[cohort.pk])
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert seated.applicant.full_name in cells
    assert waiting.applicant.full_name not in cells


def test_admin_home_flags_cohorts_at_risk(admin_client):
    soon = timezone.localdate() + datetime.timedelta(days=7)
    risky = CohortFactory(starts_on=soon, min_size=5, capacity=10, code="RISK-1")
    CohortFactory(
        starts_on=soon + datetime.timedelta(days=30), min_size=5, code="LATER-1"
    )
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "RISK-1" in html
    assert "LATER-1" not in html
    listing = admin_client.get(
        reverse("admin:programs_cohort_changelist"), {"at_risk": "yes"}
    )
    assert [c.pk for c in listing.context["cl"].result_list] == [risky.pk]


def test_export_follows_the_changelist_filters(admin_client, cohort):
    kept = submit(cohort)
    other = submit(cohort)
    set_status(other, S.REJECTED)
    url = reverse("admin:enrollment_application_export", args=["csv"])
    response = admin_client.get(url, {"status__exact": "submitted"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert kept.applicant.last_name in text
    assert other.applicant.last_name not in text
    response = admin_client.get(
        reverse("admin:enrollment_application_export", args=["xlsx"])
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_field_level_audit_is_kept_with_the_user(admin_client, admin_user, cohort):
    application = submit(cohort)
    admin_client.post(
        reverse(
            "admin:enrollment_application_act",
            args=[application.pk, "take_into_review"],
        )
    )
    record = application.audit.first()
    assert record.status == S.IN_REVIEW
    assert record.history_user == admin_user
    response = admin_client.get(
        reverse("admin:enrollment_application_history", args=[application.pk])
    )
    assert response.status_code == 200
