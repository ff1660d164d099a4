"""The application form as a person meets it: files kept across a sending
that came back with an error, each field saying what it needs, and every
error tied to its field."""

import datetime
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enrollment.models import Application, StagedUpload, private_storage
from enrollment.services import staging
from programs.models import Cohort, EducationLevel
from tests.enrollment.test_views import apply_url, form_data
from tests.factories import PDF_BYTES, CohortFactory, ProgramFactory, png_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        capacity=3,
        program=ProgramFactory(title="Оператор станков с ЧПУ", min_age=16),
    )


def passport_scan(name: str = "паспорт.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


def test_a_file_attached_to_a_form_sent_back_is_kept_and_becomes_a_document(
    client, cohort, django_capture_on_commit_callbacks
):
    data = form_data(phone="12345", document_passport=passport_scan())
    response = client.post(apply_url(cohort), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Прикреплён файл: <strong>паспорт.pdf</strong>" in html
    assert "и прикреплённые файлы сохранены" in html
    kept = StagedUpload.objects.get()
    assert kept.field == "document_passport"
    # Never linked: the kept file has no address, only its name is shown.
    assert kept.file.name not in html
    assert "/media/" not in html

    # Sent again without picking the file: it becomes the application's.
    data = form_data(submission_key=data["submission_key"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(cohort), data)
    application = Application.objects.get()
    assert response.status_code == 302
    document = application.documents.get()
    assert document.kind == "passport"
    assert document.original_name == "паспорт.pdf"
    assert document.file.read() == PDF_BYTES
    assert not StagedUpload.objects.exists()
    assert not private_storage().exists(kept.file.name)


def test_a_kept_file_can_be_removed_before_sending(client, cohort):
    data = form_data(phone="12345", document_passport=passport_scan())
    client.post(apply_url(cohort), data)
    response = client.post(
        apply_url(cohort),
        form_data(
            submission_key=data["submission_key"], **{"document_passport-remove": "1"}
        ),
    )
    assert response.status_code == 302
    assert not Application.objects.get().documents.exists()
    assert not StagedUpload.objects.exists()


def test_a_file_chosen_again_replaces_the_kept_one(
    client, cohort, django_capture_on_commit_callbacks
):
    data = form_data(phone="12345", document_passport=passport_scan("old.pdf"))
    client.post(apply_url(cohort), data)
    old = StagedUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            apply_url(cohort),
            form_data(
                phone="12345",
                submission_key=data["submission_key"],
                document_passport=png_file(),
            ),
        )
    assert "Прикреплён файл: <strong>scan.png</strong>" in (response.content.decode())
    kept = StagedUpload.objects.get()
    assert kept.content_type == "image/png"
    assert not private_storage().exists(old.file.name)


def test_a_refused_file_is_not_kept_and_says_why(client, cohort):
    fake = SimpleUploadedFile("passport.pdf", b"MZ\x90\x00" * 50, "application/pdf")
    response = client.post(apply_url(cohort), form_data(document_passport=fake))
    assert "document_passport" in response.context["form"].errors
    assert not StagedUpload.objects.exists()


def test_files_kept_for_one_group_are_not_taken_into_another(client, cohort):
    data = form_data(phone="12345", document_passport=passport_scan())
    client.post(apply_url(cohort), data)
    other = CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME, program=cohort.program
    )
    response = client.post(
        apply_url(other), form_data(submission_key=data["submission_key"])
    )
    assert response.status_code == 302
    assert not Application.objects.get().documents.exists()


def test_files_of_abandoned_forms_are_deleted_after_a_day(
    client, cohort, settings, django_capture_on_commit_callbacks
):
    settings.STAGED_UPLOAD_HOURS = 24
    client.post(
        apply_url(cohort), form_data(phone="12345", document_passport=passport_scan())
    )
    kept = StagedUpload.objects.get()
    assert staging.purge_staged_uploads(now=timezone.now()) == 0
    later = timezone.now() + datetime.timedelta(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert staging.purge_staged_uploads(now=later) == 1
    assert not StagedUpload.objects.exists()
    assert not private_storage().exists(kept.file.name)


def test_each_empty_field_says_what_it_needs(client, cohort):
    response = client.post(
        apply_url(cohort),
        {"submission_key": str(uuid.uuid4()), "consent_processing": "on"},
    )
    errors = response.context["form"].errors
    assert errors["last_name"] == ["Введите фамилию."]
    assert errors["first_name"] == ["Введите имя."]
    assert errors["birth_date"] == ["Укажите дату рождения."]
    assert errors["sex"] == ["Укажите пол."]
    assert errors["phone"] == ["Введите номер телефона."]
    assert errors["education_level"] == ["Выберите уровень образования."]
    assert "Обязательное поле." not in response.content.decode()


def test_a_minor_reads_the_guardian_rule_once_and_what_each_field_needs(client, cohort):
    young = cohort.starts_on.replace(year=cohort.starts_on.year - 16)
    response = client.post(apply_url(cohort), form_data(birth_date=young.isoformat()))
    errors = response.context["form"].errors
    messages = [
        errors["representative_name"][0],
        errors["representative_relation"][0],
        errors["representative_phone"][0],
    ]
    assert len(set(messages)) == 3
    html = response.content.decode()
    assert html.count("вместе с родителем") == 1
    # Required of a minor: marked, for eyes and for screen readers.
    for name in ("representative_name", "representative_relation"):
        label = re.search(rf'<label[^>]*for="id_{name}"[^>]*>(.*?)</label>', html, re.S)
        assert label is not None, name
        assert 'class="asteriskField"' in label.group(1)
        assert re.search(rf'name="{name}"[^>]*aria-required="true"', html)


def test_every_error_is_tied_to_its_field_radio_buttons_included(client, cohort):
    response = client.post(apply_url(cohort), form_data(sex=""))
    html = response.content.decode()
    radios = re.findall(r'<input type="radio"[^>]*name="sex"[^>]*>', html)
    assert len(radios) == 2
    for radio in radios:
        assert 'aria-describedby="id_sex_error"' in radio
        assert 'aria-invalid="true"' in radio
    assert 'id="id_sex_error"' in html
    assert '<a href="#id_sex_0">Пол</a>' in html


def test_requirements_are_shown_beside_their_fields_before_sending(client):
    program = ProgramFactory(
        min_age=18, required_education=EducationLevel.STUDYING_PROFESSIONAL
    )
    cohort = CohortFactory(program=program)
    html = client.get(apply_url(cohort)).content.decode()
    assert "вам должно исполниться не меньше 18 лет" in html
    assert (
        "Для этой программы нужно получать или уже иметь среднее профессиональное "
        "или высшее образование." in html
    )
    assert "не ниже: Получает" not in html
