import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import Agreement, Amendment, Commitment, Partner

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def partner():
    return Partner.objects.create(
        kind=Partner.Kind.ORGANISATION,
        full_name="АО «Энский станкостроительный завод»",
        short_name="АО «ЭСЗ»",
        inn="7707083893",
        kpp="773601001",
        ogrn="1027700132195",
    )


@pytest.fixture
def responsible():
    return get_user_model().objects.create_user(
        "relations", email="relations@copp.local", first_name="Павел", is_staff=True
    )


def draft(partner, **overrides) -> Agreement:
    values = {
        "partner": partner,
        "kind": Agreement.Kind.COOPERATION,
        "number": "15-СП",
        "subject": "Сотрудничество в подготовке кадров",
        "valid_until": TODAY + datetime.timedelta(days=365),
    }
    values.update(overrides)
    return Agreement.objects.create(**values)


def test_lifecycle_draft_active_expired_terminated(partner):
    agreement = draft(partner)
    assert agreement.status_on() == Agreement.Status.DRAFT
    services.sign_agreement(agreement=agreement, signed_on=TODAY)
    agreement.refresh_from_db()
    assert agreement.status_on() == Agreement.Status.ACTIVE
    assert agreement.valid_from == TODAY
    later = agreement.valid_until + datetime.timedelta(days=1)
    assert (
        agreement.status_on(later) == Agreement.Status.EXPIRED
    )  # computed, never stored
    services.terminate_agreement(
        agreement=agreement, terminated_on=TODAY, reason="Партнёр закрыл производство"
    )
    agreement.refresh_from_db()
    assert agreement.status_on() == Agreement.Status.TERMINATED


def test_status_is_computed_in_sql_too(partner):
    signed = draft(partner, number="1", signed_on=TODAY - datetime.timedelta(days=400))
    signed.valid_until = TODAY - datetime.timedelta(days=1)
    signed.save()
    draft(partner, number="2")
    statuses = dict(Agreement.objects.with_status().values_list("number", "status"))
    assert statuses == {"1": "expired", "2": "draft"}


def test_signing_rules(partner):
    agreement = draft(partner)
    with pytest.raises(ValidationError):
        services.sign_agreement(
            agreement=agreement, signed_on=TODAY + datetime.timedelta(days=1)
        )
    services.sign_agreement(agreement=agreement, signed_on=TODAY)
    with pytest.raises(ValidationError):
        services.sign_agreement(agreement=agreement, signed_on=TODAY)


def test_signed_agreement_is_amended_with_numbers_not_edited(partner):
    agreement = draft(partner)
    with pytest.raises(ValidationError):
        services.add_amendment(agreement=agreement, signed_on=TODAY, text="Изменение")
    services.sign_agreement(agreement=agreement, signed_on=TODAY)
    with pytest.raises(ValidationError):
        services.check_editable(agreement)
    first = services.add_amendment(
        agreement=agreement, signed_on=TODAY, text="Продлить срок"
    )
    second = services.add_amendment(
        agreement=agreement, signed_on=TODAY, text="Добавить программу"
    )
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Amendment.objects.create(
            agreement=agreement, number=1, signed_on=TODAY, text="x"
        )


def test_termination_needs_a_signed_agreement_and_a_reason(partner):
    agreement = draft(partner)
    with pytest.raises(ValidationError):
        services.terminate_agreement(
            agreement=agreement, terminated_on=TODAY, reason="x"
        )
    services.sign_agreement(agreement=agreement, signed_on=TODAY)
    with pytest.raises(ValidationError):
        services.terminate_agreement(
            agreement=agreement, terminated_on=TODAY, reason=" "
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(terminated_on=TODAY)


def test_admin_refuses_to_edit_a_signed_agreement(admin_client, partner):
    agreement = draft(partner)
    services.sign_agreement(agreement=agreement, signed_on=TODAY)
    url = reverse("admin:partners_agreement_change", args=[agreement.pk])
    page = admin_client.get(url)
    assert 'name="subject"' not in page.content.decode()
    admin_client.post(url, {"subject": "Другой предмет"})
    agreement.refresh_from_db()
    assert agreement.subject == "Сотрудничество в подготовке кадров"
    delete = reverse("admin:partners_agreement_delete", args=[agreement.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_admin_signs_amends_and_terminates(admin_client, partner):
    agreement = draft(partner)
    Commitment.objects.create(agreement=agreement, kind="internships", planned=10)
    sign = reverse("admin:partners_agreement_sign", args=[agreement.pk])
    assert admin_client.get(sign).status_code == 200
    admin_client.post(sign, {"signed_on": TODAY.isoformat()})
    amend = reverse("admin:partners_agreement_amend", args=[agreement.pk])
    admin_client.post(
        amend, {"signed_on": TODAY.isoformat(), "text": "Продлить до 2030"}
    )
    terminate = reverse("admin:partners_agreement_terminate", args=[agreement.pk])
    bad = admin_client.post(
        terminate, {"terminated_on": TODAY.isoformat(), "reason": ""}
    )
    assert bad.status_code == 200
    admin_client.post(
        terminate, {"terminated_on": TODAY.isoformat(), "reason": "Решение сторон"}
    )
    agreement.refresh_from_db()
    assert agreement.amendments.count() == 1
    assert agreement.status_on() == Agreement.Status.TERMINATED


@pytest.mark.parametrize(
    ("days", "expected"), [(30, ["A"]), (60, ["A", "B"]), (90, ["A", "B", "C"])]
)
def test_expiring_filters(admin_client, partner, days, expected):
    for number, left in [("A", 20), ("B", 50), ("C", 80), ("D", 200)]:
        draft(
            partner,
            number=number,
            signed_on=TODAY - datetime.timedelta(days=10),
            valid_until=TODAY + datetime.timedelta(days=left),
        )
    response = admin_client.get(
        reverse("admin:partners_agreement_changelist"), {"expiring": str(days)}
    )
    assert sorted(a.number for a in response.context["cl"].result_list) == expected


def test_expiry_digest_is_sent_once_per_agreement_and_threshold(
    partner, responsible, run_tasks
):
    for number, left in [("A", 20), ("B", 50), ("C", 200)]:
        draft(
            partner,
            number=number,
            signed_on=TODAY - datetime.timedelta(days=10),
            valid_until=TODAY + datetime.timedelta(days=left),
            responsible=responsible,
        )
    call_command("notify_expiring_agreements")
    run_tasks()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "№ A" in body and "№ B" in body and "№ C" not in body
    call_command("notify_expiring_agreements")
    run_tasks()
    assert len(mail.outbox) == 1  # nothing new to say
    # Thirty days later B crosses the 30-day threshold: one more digest, B only.
    services.notify_expiring_agreements(today=TODAY + datetime.timedelta(days=25))
    run_tasks()
    assert len(mail.outbox) == 2
    assert "№ B" in mail.outbox[1].body and "№ A" not in mail.outbox[1].body


def test_signed_agreement_reserves_seats_that_the_partners_employees_take(partner):
    import uuid

    from enrollment import services as enrollment
    from enrollment.models import SeatReservation
    from partners.models import Commitment
    from partners.selectors import commitment_actual
    from programs.models import Cohort
    from tests.factories import CohortFactory, applicant_data, required_consents, submit

    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=4)
    agreement = draft(partner, kind=Agreement.Kind.TARGETED)
    commitment = Commitment.objects.create(
        agreement=agreement,
        kind=Commitment.Kind.RESERVED_SEATS,
        planned=2,
        cohort=cohort,
        release_on=cohort.starts_on - datetime.timedelta(days=3),
    )
    assert not SeatReservation.objects.exists()  # a draft reserves nothing
    services.sign_agreement(agreement=agreement, signed_on=TODAY)
    reservation = SeatReservation.objects.get()
    assert (reservation.seats, reservation.employer_inn) == (2, partner.inn)

    general = [submit(cohort) for _ in range(3)]
    assert [a.status for a in general] == ["offered", "offered", "waitlisted"]
    employee = enrollment.submit_application(
        cohort_id=cohort.pk,
        data=applicant_data(),
        submission_key=uuid.uuid4(),
        consent_text_ids=required_consents(),
        employer_inn=partner.inn,
    )
    assert employee.status == "offered"
    assert commitment_actual(commitment) == 1

    services.terminate_agreement(
        agreement=agreement, terminated_on=TODAY, reason="Отказ"
    )
    assert not SeatReservation.objects.exists()
    general[2].refresh_from_db()
    assert general[2].status == "offered"  # the freed reserved seat went to the queue


def test_reserved_seats_commitment_needs_a_cohort(partner):
    from partners.models import Commitment

    agreement = draft(partner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(agreement=agreement, kind="reserved_seats", planned=2)
