"""Personal data under 152-ФЗ: consent withdrawal by the person, everything held
on a person, anonymising, and the purge of people whose purpose has ended."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from copp import roles
from enrollment import services
from enrollment.models import (
    Applicant,
    Application,
    ApplicationStatus,
    ConsentRecord,
    Note,
)
from enrollment.services import privacy
from enrollment.services.figures import daily_intake_agrees
from programs.models import Cohort
from tests.factories import CohortFactory, applicant_data, pdf_file, submit

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def cohort():
    return CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW, capacity=5)


def consent_of(application, kind: str) -> ConsentRecord:
    return application.applicant.consents.get(text__kind=kind)


def staff(django_user_model, role: str):
    call_command("setup_roles", verbosity=0)
    user = django_user_model.objects.create_user(role, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


# --- Withdrawing a consent -----------------------------------------------------------


def test_the_person_withdraws_the_consent_to_processing_from_their_page(client, cohort):
    application = submit(cohort, consent_mailing=True)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Ваши согласия" in page and "Отозвать согласие" in page

    record = consent_of(application, "processing")
    url = reverse("enrollment:withdraw_consent", args=[application.token, record.pk])
    response = client.post(url, follow=True)
    assert "Согласие отозвано" in response.content.decode()
    record.refresh_from_db()
    application.refresh_from_db()
    assert record.withdrawn_at is not None
    assert application.status == S.WITHDRAWN
    change = application.history.latest("created_at")
    assert "отозвано" in change.comment
    assert record.audit.filter(withdrawn_at__isnull=False).exists()
    assert "Отозвано" in client.get(application.get_absolute_url()).content.decode()


def test_withdrawing_the_mailing_consent_leaves_the_application(client, cohort):
    application = submit(cohort, consent_mailing=True)
    record = consent_of(application, "mailing")
    client.post(
        reverse("enrollment:withdraw_consent", args=[application.token, record.pk])
    )
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    record.refresh_from_db()
    assert record.withdrawn_at is not None


def test_nobody_withdraws_another_persons_consent(client, cohort):
    a = submit(cohort, email="a@example.org")
    b = submit(cohort, email="b@example.org")
    b_record = consent_of(b, "processing")
    response = client.post(
        reverse("enrollment:withdraw_consent", args=[a.token, b_record.pk]),
        follow=True,
    )
    assert "Такого согласия нет" in response.content.decode()
    b_record.refresh_from_db()
    assert b_record.withdrawn_at is None
    a.refresh_from_db()
    assert a.status == S.SUBMITTED


# --- Everything held on a person ---------------------------------------------------------


def test_staff_download_everything_held_on_a_person(
    client, cohort, django_user_model, admin_user
):
    application = submit(cohort, documents=[("passport", pdf_file("паспорт.pdf"))])
    services.add_note(application=application, author=admin_user, text="Звонила 12.03")
    client.force_login(staff(django_user_model, roles.INTAKE))
    url = reverse(
        "admin:enrollment_applicant_personal_data", args=[application.applicant_id]
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["last_name"] == application.applicant.last_name
    assert data["person"]["snils"] == application.applicant.snils
    assert [c["kind"] for c in data["consents"]] == ["Обработка персональных данных"]
    assert data["consents"][0]["ip_address"] == "203.0.113.7"
    (entry,) = data["applications"]
    assert entry["cohort"] == cohort.code
    assert entry["documents"][0]["file_name"] == "паспорт.pdf"
    assert entry["staff_notes"][0]["text"] == "Звонила 12.03"
    assert entry["history"][0]["to"] == "submitted"


def test_only_those_allowed_export_or_anonymise(client, cohort, django_user_model):
    application = submit(cohort)
    for role in (roles.MANAGERS, roles.PARTNER_RELATIONS):
        client.force_login(staff(django_user_model, role))
        for name in ("personal_data", "anonymise"):
            url = reverse(
                f"admin:enrollment_applicant_{name}", args=[application.applicant_id]
            )
            assert client.get(url).status_code == 403, (role, name)


# --- Anonymising ---------------------------------------------------------------------------


def test_anonymising_removes_who_it_was_and_keeps_the_figures(
    client, cohort, admin_user, django_user_model, django_capture_on_commit_callbacks
):
    actor = services.Actor.staff(admin_user)
    application = submit(
        cohort,
        last_name="Смирнова",
        snils="112-233-445 95",
        documents=[("passport", pdf_file("паспорт.pdf"))],
    )
    services.take_into_review(application=application, actor=actor)
    services.add_note(application=application, author=admin_user, text="Смирнова, 8912")
    applicant = application.applicant
    stored = application.documents.get().file
    storage, name = stored.storage, stored.name
    assert storage.exists(name)
    sex, categories = applicant.sex, set(applicant.categories.all())

    client.force_login(staff(django_user_model, roles.INTAKE))
    url = reverse("admin:enrollment_applicant_anonymise", args=[applicant.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Заявление № 45", "confirm": "on"})
    assert response.status_code == 302

    applicant.refresh_from_db()
    assert applicant.anonymised_at is not None
    assert (applicant.last_name, applicant.first_name, applicant.snils) == (
        "Обезличено",
        "Обезличено",
        "",
    )
    assert applicant.email.endswith("@invalid") and str(applicant.phone) == ""
    assert applicant.birth_date == datetime.date(applicant.birth_date.year, 7, 1)
    assert (applicant.sex, set(applicant.categories.all())) == (sex, categories)
    assert not storage.exists(name)
    assert Note.objects.get().text == "[обезличено]"
    assert ConsentRecord.objects.get().ip_address is None
    # The history is masked, not deleted: who did what stays.
    history = Applicant.audit.model.objects.filter(id=applicant.pk)
    assert history.count() >= 2
    assert not history.filter(last_name="Смирнова").exists()
    assert not history.exclude(snils="").exists()
    assert history.latest("history_date").history_change_reason == "Заявление № 45"
    assert not Application.audit.model.objects.exclude(snils_key="").exists()
    # The figures the reports read did not move.
    application.refresh_from_db()
    assert (application.status, application.reached_review) == (S.IN_REVIEW, True)
    assert daily_intake_agrees()


def test_a_person_with_an_issued_document_keeps_what_the_register_needs(
    cohort, admin_user
):
    actor = services.Actor.staff(admin_user)
    application = submit(cohort, last_name="Петров", snils="112-233-445 95")
    services.accept_application(application=application, actor=actor)
    services.enrol(application=application, actor=actor)
    services.start_studies(application=application, actor=actor)
    services.complete_studies(
        application=application,
        actor=actor,
        document=services.IssuedDocument("77", timezone.localdate()),
    )
    applicant = privacy.anonymise(
        applicant=application.applicant, actor=actor, reason="Запрос"
    )
    assert (applicant.last_name, applicant.snils) == ("Петров", "11223344595")
    assert applicant.email.endswith("@invalid")


# --- The purge ----------------------------------------------------------------------------


def test_purge_anonymises_whose_purpose_ended_and_who_withdrew(cohort, admin_user):
    today = timezone.localdate()
    old = CohortFactory(
        starts_on=today - datetime.timedelta(days=900),
        ends_on=today - datetime.timedelta(days=800),
        application_deadline=today - datetime.timedelta(days=910),
        status=Cohort.Status.CLOSED,
    )
    long_ago = Application.objects.create(
        cohort=old,
        stream=old.quotas.get().stream,
        applicant=Applicant.objects.create(
            **{
                k: v
                for k, v in vars(applicant_data(last_name="Давний")).items()
                if k not in ("categories",)
            }
        ),
        status=S.REJECTED,
        submission_key="00000000-0000-0000-0000-000000000001",
        submitted_at=timezone.now() - datetime.timedelta(days=950),
        status_changed_at=timezone.now() - datetime.timedelta(days=940),
        email_key="old@example.org",
        person_key="давний",
    )
    recent = submit(cohort, last_name="Недавний")
    withdrew = submit(cohort, last_name="Отозвавший", email="w@example.org")
    privacy.withdraw_consent(
        application=withdrew, record_id=consent_of(withdrew, "processing").pk
    )

    call_command("purge_personal_data", "--days", "365", "--dry-run")
    assert Applicant.objects.filter(anonymised_at__isnull=False).count() == 0

    call_command("purge_personal_data", "--days", "365")
    anonymised = set(
        Applicant.objects.filter(anonymised_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert anonymised == {long_ago.applicant_id, withdrew.applicant_id}
    assert Applicant.objects.get(pk=recent.applicant_id).last_name == "Недавний"
    # Again: nothing more to do.
    call_command("purge_personal_data", "--days", "365")
    assert Applicant.objects.filter(anonymised_at__isnull=False).count() == 2
