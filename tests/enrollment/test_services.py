import datetime
import io
import os
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from enrollment import selectors, services
from enrollment.models import (
    TRANSITIONS,
    Application,
    ApplicationStatus,
    ConsentRecord,
    ConsentText,
    Document,
    StatusChange,
)
from enrollment.seats import count_seats
from enrollment.services.status import change_status
from programs.models import Cohort, EducationLevel, ProgramKind
from tests.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    CohortFactory,
    ProgramFactory,
    applicant_data,
    pdf_file,
    png_file,
    submit,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def first_come():
    return CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=2)


@pytest.fixture
def review():
    return CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW, capacity=2)


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("staff", is_staff=True)
    return services.Actor.staff(user)


def statuses(cohort) -> list[str]:
    return list(
        Application.objects.filter(cohort=cohort)
        .order_by("submitted_at", "pk")
        .values_list("status", flat=True)
    )


# --- Submission and allocation ----------------------------------------------------


def test_first_come_cohort_offers_free_seats_then_waitlists(first_come):
    applications = [submit(first_come) for _ in range(3)]
    assert [a.status for a in applications] == [S.OFFERED, S.OFFERED, S.WAITLISTED]
    assert count_seats(first_come).held == 2
    offer = applications[0]
    expected = offer.submitted_at + datetime.timedelta(hours=72)
    assert abs(offer.offer_expires_at - expected) < datetime.timedelta(seconds=5)


def test_review_cohort_waits_for_staff(review):
    application = submit(review)
    assert application.status == S.SUBMITTED
    assert count_seats(review).held == 0


def test_staff_acceptance_offers_a_seat_or_the_waiting_list(review, staff):
    applications = [submit(review) for _ in range(3)]
    for application in applications:
        services.take_into_review(application=application, actor=staff)
    results = [
        services.accept_application(application=a, actor=staff).status
        for a in applications
    ]
    assert results == [S.OFFERED, S.OFFERED, S.WAITLISTED]
    history = StatusChange.objects.filter(application=applications[0])
    assert list(history.values_list("from_status", "to_status", "actor_kind")) == [
        ("", S.SUBMITTED, "applicant"),
        (S.SUBMITTED, S.IN_REVIEW, "staff"),
        (S.IN_REVIEW, S.OFFERED, "staff"),
    ]
    assert history.last().actor == staff.user


def test_accepting_twice_is_refused(review, staff):
    application = submit(review)
    services.accept_application(application=application, actor=staff)
    with pytest.raises(ValidationError):
        services.accept_application(application=application, actor=staff)


def test_same_form_sent_twice_makes_one_application(first_come):
    key = uuid.uuid4()
    data = applicant_data()
    first = submit(first_come, data=data, key=key)
    second = submit(first_come, data=data, key=key)
    assert first.pk == second.pk
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    "same",
    [
        {"email": "Same.Person@Example.org"},
        {"snils": "11223344595"},
        {"last_name": "  ПЕТРОВА ", "first_name": "алёна", "patronymic": ""},
    ],
)
def test_one_active_application_per_person_and_cohort(first_come, same):
    base = {
        "email": "same.person@example.org",
        "snils": "11223344595",
        "last_name": "Петрова",
        "first_name": "Алена",
        "patronymic": "",
        "birth_date": datetime.date(1990, 5, 17),
    }
    existing = submit(first_come, **base)
    other = {
        "email": "other@example.org",
        "snils": "",
        "last_name": "Другая",
        "first_name": "Персона",
        "patronymic": "",
        "birth_date": datetime.date(1990, 5, 17),
    }
    other.update(same)
    with pytest.raises(services.DuplicateApplication) as excinfo:
        submit(first_come, **other)
    assert excinfo.value.existing == existing
    assert "ссылку" in excinfo.value.messages[0]


def test_person_may_apply_again_after_withdrawing(first_come):
    data = applicant_data(email="again@example.org")
    first = submit(first_come, data=data)
    services.withdraw_application(application=first, actor=services.Actor.applicant())
    second = submit(first_come, data=data)
    assert second.status == S.OFFERED


def test_database_refuses_a_second_active_application(first_come):
    first = submit(first_come)
    clone = Application(
        cohort=first.cohort,
        applicant=first.applicant,
        submission_key=uuid.uuid4(),
        email_key=first.email_key,
        person_key="someone else",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": Cohort.Status.CLOSED}, "closed"),
        ({"status": Cohort.Status.CANCELLED}, "cancelled"),
        ({"application_deadline": datetime.date(2020, 1, 1)}, "deadline"),
    ],
)
def test_closed_cancelled_or_late_cohort_refuses_applications(first_come, change, code):
    Cohort.objects.filter(pk=first_come.pk).update(**change)
    with pytest.raises(ValidationError) as excinfo:
        submit(first_come)
    assert excinfo.value.code == code
    assert Application.objects.count() == 0


def test_unpublished_program_refuses_applications(first_come):
    first_come.program.is_published = False
    first_come.program.save()
    with pytest.raises(ValidationError):
        submit(first_come)


def _birth_date_for_age(cohort, age: int) -> datetime.date:
    start = cohort.starts_on
    return start.replace(year=start.year - age)


def test_too_young_for_the_program_is_a_field_error():
    cohort = CohortFactory(program=ProgramFactory(min_age=16))
    data = applicant_data(
        birth_date=_birth_date_for_age(cohort, 16) + datetime.timedelta(days=1),
        representative_name="Иванова Мария",
        representative_phone="+79120000000",
        representative_relation="mother",
    )
    with pytest.raises(ValidationError) as excinfo:
        submit(cohort, data=data)
    assert list(excinfo.value.message_dict) == ["birth_date"]
    data.birth_date = _birth_date_for_age(cohort, 16)
    assert submit(cohort, data=data).pk


def test_minor_needs_a_legal_representative():
    cohort = CohortFactory(program=ProgramFactory(min_age=14))
    data = applicant_data(birth_date=_birth_date_for_age(cohort, 15))
    with pytest.raises(ValidationError) as excinfo:
        submit(cohort, data=data)
    assert set(excinfo.value.message_dict) == {
        "representative_name",
        "representative_phone",
        "representative_relation",
    }
    data.representative_name = "Иванова Мария Петровна"
    data.representative_phone = "+79120000000"
    data.representative_relation = "mother"
    application = submit(cohort, data=data)
    assert application.applicant.representative_name == "Иванова Мария Петровна"


def test_adult_on_the_first_day_needs_no_representative():
    cohort = CohortFactory(program=ProgramFactory(min_age=16))
    data = applicant_data(birth_date=_birth_date_for_age(cohort, 18))
    assert submit(cohort, data=data).pk


def test_dpo_program_requires_vocational_or_higher_education():
    program = ProgramFactory(
        kind=ProgramKind.DPO_UPGRADE,
        hours=72,
        required_education=EducationLevel.STUDYING_PROFESSIONAL,
    )
    cohort = CohortFactory(program=program)
    with pytest.raises(ValidationError) as excinfo:
        submit(cohort, education_level=EducationLevel.SECONDARY_GENERAL)
    assert list(excinfo.value.message_dict) == ["education_level"]
    assert submit(cohort, education_level=EducationLevel.HIGHER).pk


def test_required_consent_is_needed_and_each_consent_is_recorded(first_come):
    with pytest.raises(ValidationError) as excinfo:
        services.submit_application(
            cohort_id=first_come.pk,
            data=applicant_data(),
            submission_key=uuid.uuid4(),
            consent_text_ids=[],
        )
    assert "consent_processing" in excinfo.value.message_dict

    all_texts = list(ConsentText.objects.values_list("pk", flat=True))
    application = services.submit_application(
        cohort_id=first_come.pk,
        data=applicant_data(),
        submission_key=uuid.uuid4(),
        consent_text_ids=all_texts,
        evidence=services.Evidence(ip_address="198.51.100.4", user_agent="Firefox"),
    )
    records = ConsentRecord.objects.filter(application=application)
    assert sorted(records.values_list("text__kind", flat=True)) == [
        "mailing",
        "processing",
    ]
    for record in records:
        assert record.ip_address == "198.51.100.4"
        assert record.user_agent == "Firefox"
        assert record.text.version == 1
        assert record.withdrawn_at is None


def test_no_application_is_taken_without_a_consent_text(first_come):
    ConsentText.objects.all().delete()
    with pytest.raises(ValidationError) as excinfo:
        submit(first_come)
    assert excinfo.value.code == "consent_text_missing"
    assert Application.objects.count() == 0


# --- Documents -------------------------------------------------------------------------


def test_documents_are_stored_privately_with_their_real_type(first_come):
    application = submit(
        first_come, documents=[("passport", pdf_file()), ("education", png_file())]
    )
    documents = {d.kind: d for d in application.documents.all()}
    assert documents["passport"].content_type == "application/pdf"
    assert documents["education"].content_type == "image/png"
    stored = documents["passport"].file
    assert "passport" not in stored.name
    assert stored.read().startswith(b"%PDF")
    with pytest.raises(ValueError):
        stored.url  # noqa: B018 - there must be no public address


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile(
            "virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf"
        ),
        SimpleUploadedFile(
            "page.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
        ),
        SimpleUploadedFile(
            "image.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/png"
        ),
        SimpleUploadedFile("empty.pdf", b"", "application/pdf"),
        # Polyglots: a real signature, then a page a sniffing browser could run.
        SimpleUploadedFile(
            "scan.pdf",
            b"%PDF-1.4\n<html><body><script>fetch('/admin/')</script></body></html>"
            b"\n%%EOF\n",
            "application/pdf",
        ),
        SimpleUploadedFile(
            "photo.png",
            PNG_BYTES[:16] + b"<svg onload=alert(1)>" + PNG_BYTES[16:],
            "image/png",
        ),
        SimpleUploadedFile(
            "photo.jpg",
            JPEG_BYTES[:20] + b"<!DOCTYPE html>" + b"\x00" * 64,
            "image/jpeg",
        ),
        # A real signature and nothing that decodes after it.
        SimpleUploadedFile("photo.png", PNG_BYTES[:24] + b"\x00" * 200, "image/png"),
    ],
    ids=[
        "exe-as-pdf",
        "html-as-pdf",
        "svg-as-png",
        "empty",
        "pdf-html-polyglot",
        "png-svg-polyglot",
        "jpeg-html-polyglot",
        "broken-png",
    ],
)
def test_files_are_judged_by_their_content(first_come, upload):
    with pytest.raises(ValidationError) as excinfo:
        submit(first_come, documents=[("passport", upload)])
    assert "document_passport" in excinfo.value.message_dict
    assert Application.objects.count() == 0


def noise_jpeg(side: int = 1600) -> bytes:
    """A photo-sized JPEG of random pixels: its compressed data is as close to
    random bytes as a real photo's, the worst case for a false alarm."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def pdf_with(tail: bytes) -> bytes:
    """A real PDF with ``tail`` appended after its end, as a polyglot does."""
    return PDF_BYTES + tail


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # Page code far past the first 8 KB.
        ("scan.pdf", pdf_with(b"\n" * 20_000 + b"<script>fetch('/admin/')</script>")),
        (
            "photo.jpg",
            JPEG_BYTES + b"\x00" * 50_000 + b"<html><body onload=x()></body></html>",
        ),
        ("scan.png", PNG_BYTES + b" " * 9000 + b"<iframe src=//evil>"),
    ],
    ids=["pdf-script-at-20kb", "jpeg-html-at-50kb", "png-iframe-at-9kb"],
)
def test_the_whole_file_is_read_for_page_code(first_come, name, content):
    upload = SimpleUploadedFile(name, content, "application/octet-stream")
    with pytest.raises(ValidationError) as excinfo:
        submit(first_come, documents=[("passport", upload)])
    assert excinfo.value.error_dict["document_passport"][0].code == "file_markup"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # no pages at all
        PDF_BYTES[: len(PDF_BYTES) // 2],  # cut in the middle
        b"%PDF-1.7\n" + os.urandom(4000),
    ],
    ids=["no-pages", "truncated", "signature-and-noise"],
)
def test_a_pdf_must_be_a_whole_document_not_just_its_first_bytes(first_come, content):
    upload = SimpleUploadedFile("scan.pdf", content, "application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        submit(first_come, documents=[("passport", upload)])
    assert excinfo.value.error_dict["document_passport"][0].code == "file_damaged"


def test_a_photo_sized_jpeg_of_noise_is_accepted(first_come):
    photo = noise_jpeg()
    assert len(photo) > 2 * 1024 * 1024
    upload = SimpleUploadedFile("photo.jpg", photo, "image/jpeg")
    application = submit(first_come, documents=[("passport", upload)])
    assert application.documents.get().content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [
        ("passport.html", PDF_BYTES, "passport.pdf"),
        ("scan.PNG.exe", PNG_BYTES, "scan.PNG.png"),
        ("фото паспорта", JPEG_BYTES, "фото паспорта.jpg"),
        ("..\\..\\boot.ini", PDF_BYTES, "boot.pdf"),
        (".pdf", PDF_BYTES, "document.pdf"),
    ],
)
def test_a_document_is_named_by_the_type_found_in_it(
    client, first_come, name, content, served_as
):
    upload = SimpleUploadedFile(name, content, "text/html")
    application = submit(first_come, documents=[("passport", upload)])
    document = application.documents.get()
    assert document.original_name == served_as
    response = client.get(
        reverse(
            "enrollment:document",
            kwargs={"token": application.token, "document_id": document.pk},
        )
    )
    assert f'filename="{served_as}"' in response["Content-Disposition"] or (
        "filename*=" in response["Content-Disposition"]
    )


def test_an_application_holds_a_bounded_number_of_documents(first_come, settings):
    settings.DOCUMENTS_PER_APPLICATION = 3
    application = submit(first_come, documents=[("passport", pdf_file())])
    for _ in range(2):
        services.upload_document(
            application=application, kind="other", upload=pdf_file()
        )
    with pytest.raises(ValidationError) as excinfo:
        services.upload_document(
            application=application, kind="other", upload=pdf_file()
        )
    assert excinfo.value.code == "too_many_documents"
    assert "3" in excinfo.value.messages[0]
    assert application.documents.count() == 3


def test_an_application_holds_a_bounded_size_of_documents(first_come, settings):
    settings.DOCUMENTS_TOTAL_MB = 1
    photo = noise_jpeg(400)
    application = submit(first_come)
    uploaded = 0
    with pytest.raises(ValidationError) as excinfo:
        while True:
            services.upload_document(
                application=application,
                kind="other",
                upload=SimpleUploadedFile("p.jpg", photo, "image/jpeg"),
            )
            uploaded += 1
    assert excinfo.value.code == "documents_too_large"
    assert uploaded * len(photo) <= 1024 * 1024 < (uploaded + 1) * len(photo)


def test_files_over_ten_megabytes_are_refused(first_come):
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "application/pdf"
    )
    with pytest.raises(ValidationError) as excinfo:
        submit(first_come, documents=[("passport", big)])
    assert "10" in excinfo.value.message_dict["document_passport"][0]


def test_documents_can_be_added_later_but_not_to_a_closed_application(first_come):
    application = submit(first_come)
    services.upload_document(application=application, kind="snils", upload=pdf_file())
    assert application.documents.count() == 1
    services.withdraw_application(
        application=application, actor=services.Actor.applicant()
    )
    with pytest.raises(ValidationError):
        services.upload_document(
            application=application, kind="other", upload=pdf_file()
        )


def test_document_checklist_requires_education_when_the_program_does(first_come):
    first_come.program.required_education = EducationLevel.SECONDARY_VOCATIONAL
    first_come.program.save()
    application = submit(first_come, documents=[("passport", pdf_file())])
    assert selectors.required_document_kinds(application) == ["passport", "education"]
    assert Document.objects.filter(application=application).count() == 1


# --- Freed seats, offers and their deadlines ----------------------------------------


def test_a_freed_seat_goes_to_the_first_person_waiting(
    first_come, django_capture_on_commit_callbacks, run_tasks
):
    a, _b, c, _d = (submit(first_come) for _ in range(4))
    assert statuses(first_come) == [S.OFFERED, S.OFFERED, S.WAITLISTED, S.WAITLISTED]
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_offer(application=a)
    assert statuses(first_come) == [S.WITHDRAWN, S.OFFERED, S.OFFERED, S.WAITLISTED]
    c.refresh_from_db()
    assert c.status == S.OFFERED
    run_tasks()
    subjects = [m.subject for m in mail.outbox if c.applicant.email in m.to]
    assert any("подтвердите" in subject for subject in subjects)


def test_rejection_needs_a_reason_and_frees_the_seat(first_come, staff):
    a, _b, c = (submit(first_come) for _ in range(3))
    with pytest.raises(ValidationError):
        services.reject_application(application=a, actor=staff, reason=" ")
    services.reject_application(application=a, actor=staff, reason="Нет документов")
    c.refresh_from_db()
    assert c.status == S.OFFERED
    assert a.history.last().comment == "Нет документов"


def test_expired_offer_frees_its_seat_even_before_the_clock_runs(first_come):
    a, _b, c = (submit(first_come) for _ in range(3))
    Application.objects.filter(pk=a.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert count_seats(first_come).held == 1
    a.refresh_from_db()
    assert a.offer_has_expired()
    with pytest.raises(ValidationError):
        services.accept_offer(application=a)
    c.refresh_from_db()
    assert c.status == S.WAITLISTED  # moved by the clock or the next allocation


def test_expire_offers_releases_and_moves_the_queue_once(first_come):
    a, b, _c, _d = (submit(first_come) for _ in range(4))
    past = timezone.now() - datetime.timedelta(minutes=1)
    Application.objects.filter(pk__in=[a.pk, b.pk]).update(offer_expires_at=past)
    assert services.expire_offers() == 2
    assert statuses(first_come) == [S.WITHDRAWN, S.WITHDRAWN, S.OFFERED, S.OFFERED]
    assert services.expire_offers() == 0
    assert statuses(first_come) == [S.WITHDRAWN, S.WITHDRAWN, S.OFFERED, S.OFFERED]
    system = a.history.last()
    assert (system.to_status, system.actor_kind) == (S.WITHDRAWN, "system")


def test_accepted_offer_does_not_expire(first_come):
    a, _b, c = (submit(first_come) for _ in range(3))
    services.accept_offer(application=a)
    Application.objects.filter(pk=a.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert services.expire_offers() == 0
    assert count_seats(first_come).held == 2
    c.refresh_from_db()
    assert c.status == S.WAITLISTED


def test_withdrawing_an_expired_offer_is_harmless(first_come):
    a = submit(first_come)
    Application.objects.filter(pk=a.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    result = services.withdraw_application(
        application=a, actor=services.Actor.applicant()
    )
    assert result.status == S.WITHDRAWN


def test_enrolment_needs_snils(first_come, staff):
    a = submit(first_come)
    with pytest.raises(ValidationError) as excinfo:
        services.enrol(application=a, actor=staff)
    assert excinfo.value.code == "snils_required"
    b = submit(first_come, snils="112-233-445 95")
    assert services.enrol(application=b, actor=staff).status == S.ENROLLED
    assert count_seats(first_come).held == 2


def test_staff_can_return_an_offer_to_the_waiting_list(first_come, staff):
    _a, b, _c = (submit(first_come) for _ in range(3))
    services.return_to_waitlist(application=b, actor=staff)
    # b is ahead of c in the queue, so the freed seat comes back to b.
    assert statuses(first_come) == [S.OFFERED, S.OFFERED, S.WAITLISTED]


# --- The transition table ----------------------------------------------------------------


def _application_in(status: str) -> Application:
    application = submit(CohortFactory(capacity=50))
    fields = {"status": status}
    if status == S.OFFERED:
        fields["offer_expires_at"] = timezone.now() + datetime.timedelta(hours=1)
    Application.objects.filter(pk=application.pk).update(**fields)
    application.refresh_from_db()
    return application


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(f, t) for f in S.values for t in S.values if f != t],
)
def test_every_transition_follows_the_table(from_status, to_status):
    application = _application_in(from_status)
    allowed = to_status in TRANSITIONS[from_status]
    with transaction.atomic():
        if allowed:
            change_status(application, to_status, actor=services.Actor.system())
            application.refresh_from_db()
            assert application.status == to_status
            last = application.history.order_by("pk").last()
            assert (last.from_status, last.to_status) == (from_status, to_status)
        else:
            with pytest.raises(ValidationError) as excinfo:
                change_status(application, to_status, actor=services.Actor.system())
            assert excinfo.value.code == "transition"
            application.refresh_from_db()
            assert application.status == from_status


def test_terminal_statuses_have_no_way_out():
    assert TRANSITIONS[S.COMPLETED] == frozenset()
    assert TRANSITIONS[S.WITHDRAWN] == frozenset()
    assert TRANSITIONS[S.EXPELLED] == frozenset()


# --- E-mails ---------------------------------------------------------------------------------


def test_submission_mail_carries_the_secret_link(
    first_come, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(first_come)
    run_tasks()
    subjects = [m.subject for m in mail.outbox]
    assert any("Заявка принята" in s for s in subjects)
    submitted = next(m for m in mail.outbox if "Заявка принята" in m.subject)
    assert application.get_absolute_url() in submitted.body
    html = submitted.alternatives[0][0]
    assert application.get_absolute_url() in html
    assert submitted.to == [application.applicant.email]


def test_service_refuses_a_snils_with_a_wrong_check_number(first_come):
    with pytest.raises(ValidationError) as excinfo:
        submit(first_come, snils="112-233-445 96")
    assert list(excinfo.value.message_dict) == ["snils"]


def test_funnel_flags_remember_every_stage_reached(first_come, staff):
    application = submit(first_come)  # offered at once
    services.decline_offer(application=application)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert (application.reached_review, application.reached_offer) == (True, True)
    assert (application.reached_enrolment, application.reached_completion) == (
        False,
        False,
    )


def test_demo_applications_have_flags_matching_their_history():
    from django.core.management import call_command

    from enrollment.models import stages_reached

    call_command("seed_demo", applications=80, stdout=__import__("io").StringIO())
    for application in Application.objects.prefetch_related("history"):
        statuses = [change.to_status for change in application.history.all()]
        expected = stages_reached(statuses)
        actual = {flag: getattr(application, flag) for flag in expected}
        assert actual == expected, application.pk


@pytest.mark.parametrize(
    ("years_old", "message"),
    [
        (
            12,
            "Минимальный возраст для этой программы: 14 лет; в первый день занятий вам будет 12 лет.",
        ),
        (
            13,
            "Минимальный возраст для этой программы: 14 лет; в первый день занятий вам будет 13 лет.",
        ),
    ],
)
def test_a_too_young_applicant_reads_ages_in_russian(years_old, message):
    from enrollment.services.submission import check_applicant_fits

    cohort = CohortFactory()
    cohort.program.min_age = 14
    cohort.program.save(update_fields=["min_age"])
    born = cohort.starts_on.replace(year=cohort.starts_on.year - years_old)
    data = applicant_data(birth_date=born)
    with pytest.raises(ValidationError) as error:
        check_applicant_fits(data, cohort)
    assert error.value.message_dict["birth_date"] == [message]


def test_a_birth_date_in_the_future_is_only_called_wrong():
    from enrollment.services.submission import check_applicant_fits

    cohort = CohortFactory()
    born = datetime.date.today() + datetime.timedelta(days=4 * 365)
    data = applicant_data(birth_date=born)
    with pytest.raises(ValidationError) as error:
        check_applicant_fits(data, cohort)
    assert error.value.message_dict["birth_date"] == ["Проверьте дату рождения."]


@pytest.mark.parametrize(
    ("count", "words"), [(1, "1 год"), (3, "3 года"), (12, "12 лет"), (21, "21 год")]
)
def test_years_read_as_russian(count, words):
    from programs.eligibility import years

    assert years(count) == words
