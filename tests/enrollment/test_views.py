import datetime
import uuid

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrollment.models import Application, ApplicationStatus, ConsentRecord
from programs.models import Cohort
from tests.factories import (
    PDF_BYTES,
    CohortFactory,
    ProgramFactory,
    pdf_file,
    png_file,
    submit,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def cohort():
    return CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        capacity=3,
        program=ProgramFactory(title="Оператор станков с ЧПУ", min_age=16),
    )


def form_data(**overrides) -> dict:
    data = {
        "last_name": "Смирнова",
        "first_name": "Анна",
        "patronymic": "Игоревна",
        "birth_date": "1995-03-08",
        "sex": "female",
        "phone": "8 (912) 345-67-89",
        "email": "anna@example.org",
        "municipality": "г. Энск",
        "education_level": "secondary_general",
        "snils": "112-233-445 95",
        "consent_processing": "on",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def apply_url(cohort) -> str:
    return reverse("enrollment:apply", kwargs={"cohort_id": cohort.pk})


def test_program_page_links_to_the_application_form(client, cohort):
    html = client.get(cohort.program.get_absolute_url()).content.decode()
    assert apply_url(cohort) in html


def test_apply_page_shows_the_form_with_consent_links(client, cohort):
    response = client.get(apply_url(cohort))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="consent_processing"' in html
    assert reverse("enrollment:consent", kwargs={"kind": "processing"}) in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_person_applies_and_lands_on_their_page(
    client, cohort, django_capture_on_commit_callbacks, run_tasks
):
    data = form_data(document_passport=pdf_file(), document_education=png_file())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(cohort), data, REMOTE_ADDR="192.0.2.10")
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert application.status == S.OFFERED
    assert str(application.applicant.phone) == "+79123456789"
    assert application.applicant.snils == "11223344595"
    assert application.documents.count() == 2
    consent = ConsentRecord.objects.get(application=application)
    assert consent.ip_address == "192.0.2.10"
    run_tasks()
    assert any(application.get_absolute_url() in m.body for m in mail.outbox)

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Оператор станков с ЧПУ" in page.content.decode()
    assert page["Cache-Control"] == "no-store, private"
    assert page["Referrer-Policy"] == "same-origin"


def test_double_submit_creates_one_application(client, cohort):
    data = form_data()
    first = client.post(apply_url(cohort), data)
    second = client.post(apply_url(cohort), data)
    assert Application.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"snils": "112-233-445 96"}, "snils"),
        ({"snils": "12345"}, "snils"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+44 20 7946 0958"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"birth_date": "31.02.2000"}, "birth_date"),
        ({"consent_processing": ""}, "consent_processing"),
        ({"last_name": ""}, "last_name"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_kept(
    client, cohort, overrides, field
):
    data = form_data(**overrides)
    response = client.post(apply_url(cohort), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert Application.objects.count() == 0
    html = response.content.decode()
    assert 'value="Смирнова"' in html or field == "last_name"
    assert 'value="anna@example.org"' in html or field == "email"


def test_minor_without_a_representative_sees_each_missing_field(client, cohort):
    young = cohort.starts_on.replace(year=cohort.starts_on.year - 16)
    response = client.post(apply_url(cohort), form_data(birth_date=young.isoformat()))
    errors = response.context["form"].errors
    assert {
        "representative_name",
        "representative_phone",
        "representative_relation",
    } <= set(errors)


def test_too_young_and_bad_snils_are_reported_together(client, cohort):
    young = cohort.starts_on.replace(year=cohort.starts_on.year - 12)
    response = client.post(
        apply_url(cohort),
        form_data(birth_date=young.isoformat(), snils="111-111-111 11"),
    )
    errors = response.context["form"].errors
    assert "birth_date" in errors
    assert "snils" in errors


def test_renamed_executable_is_refused_next_to_its_field(client, cohort):
    fake = SimpleUploadedFile("passport.pdf", b"MZ\x90\x00" * 50, "application/pdf")
    response = client.post(apply_url(cohort), form_data(document_passport=fake))
    assert "document_passport" in response.context["form"].errors
    assert Application.objects.count() == 0


def test_a_duplicate_is_not_confirmed_and_the_link_goes_to_the_address_on_file(
    client, cohort, run_tasks
):
    """Anyone may type another person's СНИЛС: the answer does not say that
    they applied, and the link goes to the e-mail in the existing application,
    never to the address typed."""
    existing = submit(cohort, email="owner@example.org", snils="112-233-445 95")
    response = client.post(
        apply_url(cohort),
        form_data(email="stranger@example.org", snils="112-233-445 95"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Если вы уже подавали заявку в эту группу" in html
    assert "stranger@example.org" in html  # what was typed stays in the form
    assert Application.objects.count() == 1
    run_tasks()
    links = [m for m in mail.outbox if "Ссылки" in m.subject]
    assert [m.to for m in links] == [["owner@example.org"]]
    assert existing.get_absolute_url() in links[0].body
    assert not any("stranger@example.org" in m.to for m in mail.outbox)


def test_closed_cohort_explains_why(client, cohort):
    cohort.application_deadline = timezone.localdate() - datetime.timedelta(days=1)
    cohort.save()
    response = client.get(apply_url(cohort))
    assert response.status_code == 200
    assert "form" not in response.context
    response = client.post(apply_url(cohort), form_data())
    assert Application.objects.count() == 0


@pytest.mark.parametrize("cohort_id", [0, 999999])
def test_unknown_cohort_is_404(client, cohort_id):
    response = client.get(reverse("enrollment:apply", kwargs={"cohort_id": cohort_id}))
    assert response.status_code == 404


def test_unknown_token_is_404(client):
    assert client.get("/applications/not-a-real-token-at-all/").status_code == 404


def test_status_page_shows_waitlist_position(client, cohort):
    for _ in range(3):
        submit(cohort)
    waiting = [submit(cohort) for _ in range(2)]
    response = client.get(waiting[1].get_absolute_url())
    assert response.context["position"] == 2


def test_applicant_accepts_an_offer(client, cohort):
    application = submit(cohort)
    url = reverse("enrollment:accept_offer", kwargs={"token": application.token})
    response = client.post(url)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.offer_accepted_at is not None


def test_applicant_declines_an_offer_and_the_next_person_gets_it(client, cohort):
    first = submit(cohort)
    for _ in range(2):
        submit(cohort)
    waiting = submit(cohort)
    url = reverse("enrollment:decline_offer", kwargs={"token": first.token})
    unconfirmed = client.post(url, follow=True)
    assert "отметьте, что вы от него отказываетесь" in " ".join(
        str(m) for m in unconfirmed.context["messages"]
    )
    first.refresh_from_db()
    assert first.status == "offered"  # nothing given away without the tick
    client.post(url, {"confirm": "1"})
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == (S.WITHDRAWN, S.OFFERED)


def test_expired_offer_cannot_be_accepted_from_the_page(client, cohort):
    application = submit(cohort)
    Application.objects.filter(pk=application.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    page = client.get(application.get_absolute_url())
    assert page.context["offer_expired"] is True
    client.post(reverse("enrollment:accept_offer", kwargs={"token": application.token}))
    application.refresh_from_db()
    assert application.offer_accepted_at is None


def test_withdraw_needs_post(client, cohort):
    application = submit(cohort)
    url = reverse("enrollment:withdraw", kwargs={"token": application.token})
    assert client.get(url).status_code == 405
    client.post(url)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


def test_applicant_uploads_a_missing_document(client, cohort):
    application = submit(cohort)
    url = reverse("enrollment:upload", kwargs={"token": application.token})
    client.post(url, {"kind": "passport", "file": pdf_file()})
    assert application.documents.get().kind == "passport"
    fake = SimpleUploadedFile("x.png", b"<svg/>", "image/png")
    response = client.post(url, {"kind": "other", "file": fake}, follow=True)
    assert application.documents.count() == 1
    assert any("PDF" in str(m) for m in response.context["messages"])


def test_documents_are_downloaded_only_through_the_checking_view(client, cohort):
    application = submit(
        cohort, documents=[("passport", pdf_file("скан паспорта.pdf"))]
    )
    other = submit(cohort)
    document = application.documents.get()
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    stolen = reverse(
        "enrollment:document", kwargs={"token": other.token, "document_id": document.pk}
    )
    assert client.get(stolen).status_code == 404


def test_staff_download_needs_the_permission(client, django_user_model, cohort):
    application = submit(cohort, documents=[("passport", pdf_file())])
    url = reverse("staff:staff_document", args=[application.documents.get().pk])
    assert client.get(url).status_code == 302  # to the login page
    user = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(url).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_document"))
    user = django_user_model.objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(url).status_code == 200


def test_lost_link_answers_the_same_for_known_and_unknown_addresses(
    client, cohort, run_tasks
):
    """The answer and the work done in the request are the same whether or not
    anybody applied with the address: the look-up and the e-mail happen in a
    task, so neither the words nor the time tell a stranger anything."""
    application = submit(cohort, email="known@example.org")
    url = reverse("enrollment:lost_link")
    answers, queries = {}, {}
    for email in ("Known@Example.org", "nobody@example.org"):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, {"email": email})
        queries[email] = [
            q["sql"].split(" WHERE ")[0].split(" VALUES ")[0] for q in captured
        ]
        assert mail.outbox == []  # nothing is sent by the request itself
        page = client.get(response["Location"])
        answers[email] = [str(m).replace(email, "…") for m in page.context["messages"]]
    assert queries["Known@Example.org"] == queries["nobody@example.org"]
    assert answers["Known@Example.org"] == answers["nobody@example.org"]
    run_tasks()
    links = [m for m in mail.outbox if "Ссылки" in m.subject]
    assert [m.to for m in links] == [["known@example.org"]]
    assert application.get_absolute_url() in links[0].body


def test_consent_text_page(client):
    response = client.get(reverse("enrollment:consent", kwargs={"kind": "processing"}))
    assert response.status_code == 200
    assert "152" in response.content.decode() or "обработк" in response.content.decode()
    assert client.get("/consent/processing/?version=" + "9" * 5000).status_code == 404
    assert client.get("/consent/nothing/").status_code == 404


def test_a_form_with_the_honeypot_filled_is_refused_and_nothing_is_saved(
    client, cohort, mailoutbox
):
    response = client.post(apply_url(cohort), form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "Не удалось отправить форму" in response.content.decode()
    assert Application.objects.count() == 0
    response = client.post(
        reverse("enrollment:lost_link"),
        {"email": "anna@example.org", "website": "x"},
    )
    assert response.status_code == 200
    assert mailoutbox == []


def test_people_never_see_the_honeypot(client, cohort):
    for url in (apply_url(cohort), reverse("enrollment:lost_link")):
        html = client.get(url).content.decode()
        assert 'class="hp-field"' in html and 'name="website"' in html
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert ".hp-field { display: none !important; }" in css
    # An empty honeypot is what a person sends: the application goes through.
    response = client.post(apply_url(cohort), form_data(website=""))
    assert response.status_code == 302


def test_files_are_only_ever_downloaded_never_shown_or_run(client, cohort, admin_user):
    application = submit(
        cohort, documents=[("passport", pdf_file("скан паспорта.pdf"))]
    )
    document = application.documents.get()
    client.force_login(admin_user)
    for url in (
        reverse("enrollment:document", args=[application.token, document.pk]),
        reverse("staff:staff_document", args=[document.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert (
            response["Cache-Control"].startswith("no-store")
            or "private" in (response["Cache-Control"])
        )
    # Stored under a random name, outside anything the web server serves.
    assert "паспорт" not in document.file.name and document.file.name.count("/") >= 1
    assert not str(document.file.path).startswith(str(settings.STATIC_ROOT))


@pytest.mark.parametrize(
    "snils",
    [
        "００１００１９９８００",
        "００１-００１-９９８ ００",
        "112-233-445 9５",
        "¹¹²²³³⁴⁴⁵⁹⁵",
    ],
)
def test_snils_in_other_digits_is_refused_next_to_its_field(client, cohort, snils):
    response = client.post(apply_url(cohort), form_data(snils=snils))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["snils"]
    assert form["last_name"].value() == "Смирнова"
    assert Application.objects.count() == 0


@pytest.mark.parametrize("field", ["email", "representative_email"])
def test_an_email_longer_than_its_column_is_refused(client, cohort, field):
    long_address = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".org"  # 253..320
    long_address = "x" * (255 - len(long_address)) + long_address
    assert 255 <= len(long_address) <= 320
    response = client.post(apply_url(cohort), form_data(**{field: long_address}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Application.objects.count() == 0
    lost = client.post(reverse("enrollment:lost_link"), {"email": long_address})
    assert lost.status_code == 200
    assert "email" in lost.context["form"].errors


@pytest.mark.parametrize("version", ["²", "１", "٣", "-1", "0", "9" * 30, "1e3"])
def test_a_consent_version_that_is_not_a_number_is_404(client, version):
    response = client.get(f"/consent/processing/?version={version}")
    assert response.status_code == 404


def test_a_known_consent_version_is_shown(client):
    assert client.get("/consent/processing/?version=1").status_code == 200


def test_the_status_page_gives_the_number_to_quote_and_offers_a_missing_paper(
    client, cohort
):
    application = submit(cohort, documents=[("passport", pdf_file())])
    response = client.get(application.get_absolute_url())
    assert f"Ваша заявка № {application.pk}" in response.content.decode()
    form = response.context["upload_form"]
    assert form["kind"].initial != "passport"  # already uploaded


def test_an_enrolled_applicant_reads_what_to_bring_on_the_first_day(client, cohort):
    application = submit(cohort)
    Application.objects.filter(pk=application.pk).update(status="enrolled")
    html = client.get(application.get_absolute_url()).content.decode()
    assert "В первый день" in html
    assert cohort.venue.address in html
    assert "Принесите в первый день" in html and "Не загружен" not in html
