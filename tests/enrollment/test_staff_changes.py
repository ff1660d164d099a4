"""Staff changes to cohorts and applicants go through services: the queue
settles at once, nobody is left uninformed, identity keys follow the person."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from enrollment import selectors, services
from enrollment.models import Application, ApplicationStatus
from enrollment.seats import count_seats
from programs.models import Cohort
from tests.factories import CohortFactory, applicant_data, submit

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def staff(admin_user):
    return services.Actor.staff(admin_user)


@pytest.fixture
def one_seat():
    return CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=1)


def statuses(cohort) -> list[str]:
    return list(
        cohort.applications.order_by("submitted_at", "pk").values_list(
            "status", flat=True
        )
    )


# --- Capacity ------------------------------------------------------------------


def test_raising_the_capacity_offers_the_new_seats_at_once(one_seat, staff):
    for _ in range(4):
        submit(one_seat)
    assert statuses(one_seat) == [S.OFFERED, S.WAITLISTED, S.WAITLISTED, S.WAITLISTED]
    services.update_cohort(cohort=one_seat, actor=staff, capacity=3, reason="Зал")
    assert statuses(one_seat) == [S.OFFERED, S.OFFERED, S.OFFERED, S.WAITLISTED]
    one_seat.refresh_from_db()
    assert one_seat.capacity == 3
    record = one_seat.audit.latest()
    assert (record.history_user, record.history_change_reason) == (staff.user, "Зал")


def test_the_capacity_never_goes_below_the_seats_held(one_seat, staff):
    one_seat.capacity = 3
    one_seat.save()
    one_seat.quotas.update(seats=3)
    for _ in range(3):
        submit(one_seat)
    with pytest.raises(ValidationError) as excinfo:
        services.update_cohort(cohort=one_seat, actor=staff, capacity=2)
    assert excinfo.value.error_dict["capacity"][0].code == "capacity_below_held"
    assert "3" in excinfo.value.message_dict["capacity"][0]
    one_seat.refresh_from_db()
    assert one_seat.capacity == 3
    services.update_cohort(cohort=one_seat, actor=staff, capacity=3)  # equal is fine


def test_the_capacity_never_goes_below_the_minimum_size(one_seat, staff):
    one_seat.capacity, one_seat.min_size = 5, 4
    one_seat.save()
    one_seat.quotas.update(seats=5)
    with pytest.raises(ValidationError) as excinfo:
        services.update_cohort(cohort=one_seat, actor=staff, capacity=3)
    assert excinfo.value.error_dict["capacity"][0].code == "capacity_below_minimum"


def test_closing_and_reopening_a_group_but_not_cancelling_it_this_way(one_seat, staff):
    services.update_cohort(cohort=one_seat, actor=staff, status=Cohort.Status.CLOSED)
    one_seat.refresh_from_db()
    with pytest.raises(ValidationError):
        services.check_cohort_accepts(one_seat)
    services.update_cohort(cohort=one_seat, actor=staff, status=Cohort.Status.OPEN)
    with pytest.raises(ValidationError):
        services.update_cohort(
            cohort=one_seat, actor=staff, status=Cohort.Status.CANCELLED
        )


# --- Cancelling -------------------------------------------------------------------


def test_cancelling_a_group_withdraws_everyone_tells_them_and_frees_reservations(
    one_seat, staff, run_tasks
):
    one_seat.capacity = 3
    one_seat.save()
    one_seat.quotas.update(seats=3)
    services.reserve_seats(
        cohort=one_seat,
        employer_inn="7707083893",
        employer_name="АО «Завод»",
        seats=1,
        release_on=one_seat.starts_on,
    )
    people = [submit(one_seat, snils="112-233-445 95")]
    people += [submit(one_seat) for _ in range(3)]
    held = people[0]
    services.enrol(application=held, actor=staff)
    run_tasks()
    mail.outbox.clear()
    services.cancel_cohort(cohort=one_seat, actor=staff, reason="Нет преподавателя")
    one_seat.refresh_from_db()
    assert one_seat.status == Cohort.Status.CANCELLED
    assert set(statuses(one_seat)) == {S.WITHDRAWN}
    assert not one_seat.reservations.exists()
    assert count_seats(one_seat).held == 0
    run_tasks()
    told = {m.to[0] for m in mail.outbox}
    assert told == {p.applicant.email for p in people}
    assert all("Нет преподавателя" in m.body for m in mail.outbox)
    history = Application.objects.get(pk=held.pk).history.latest("created_at")
    assert history.actor == staff.user


def test_a_group_with_learners_studying_cannot_be_cancelled(one_seat, staff):
    application = submit(one_seat, snils="112-233-445 95")
    services.enrol(application=application, actor=staff)
    services.start_studies(application=application, actor=staff)
    with pytest.raises(ValidationError) as excinfo:
        services.cancel_cohort(cohort=one_seat, actor=staff, reason="Нет зала")
    assert excinfo.value.code == "studying"
    with pytest.raises(ValidationError):
        services.cancel_cohort(cohort=one_seat, actor=staff, reason="  ")


# --- Correcting an applicant ---------------------------------------------------------


def test_correcting_an_applicant_checks_like_the_form_and_refreshes_the_keys(
    one_seat, staff
):
    application = submit(one_seat, email="old@example.org", snils="")
    applicant = application.applicant
    with pytest.raises(ValidationError) as excinfo:
        services.correct_applicant(
            applicant=applicant,
            actor=staff,
            changes={"snils": "11223344596"},  # a wrong check number
            reason="Паспорт",
        )
    assert "snils" in excinfo.value.error_dict
    services.correct_applicant(
        applicant=applicant,
        actor=staff,
        changes={
            "email": "New@Example.org",
            "snils": "112-233-445 95",
            "last_name": "Петрова",
        },
        reason="Заявление от 12.03.2026",
    )
    application.refresh_from_db()
    assert application.email_key == "new@example.org"
    assert application.snils_key == "11223344595"
    assert application.person_key.startswith("петрова ")
    assert selectors.applications_for_email("new@example.org") == [application]
    assert selectors.applications_for_email("old@example.org") == []
    record = applicant.audit.latest()
    assert record.history_user == staff.user
    assert record.history_change_reason == "Заявление от 12.03.2026"
    # The duplicate check now knows the person by the new keys.
    with pytest.raises(services.DuplicateApplication):
        submit(one_seat, data=applicant_data(email="new@example.org"))


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "not-an-address"},
        {"birth_date": datetime.date(2999, 1, 1)},
        {"last_name": ""},
        {"phone": "12345"},
        {"anonymised_at": None},
        {"snils": "００１００１９９８００"},
    ],
)
def test_a_correction_the_form_would_refuse_changes_nothing(one_seat, staff, changes):
    application = submit(one_seat, email="keep@example.org")
    with pytest.raises(ValidationError):
        services.correct_applicant(
            applicant=application.applicant,
            actor=staff,
            changes=changes,
            reason="Проверка",
        )
    application.applicant.refresh_from_db()
    assert application.applicant.email == "keep@example.org"


def test_a_correction_needs_a_reason(one_seat, staff):
    application = submit(one_seat)
    with pytest.raises(ValidationError):
        services.correct_applicant(
            applicant=application.applicant,
            actor=staff,
            changes={"municipality": "г. Энск"},
            reason="",
        )


# --- The back office's pages call the services ----------------------------------


def test_the_seats_page_changes_them_through_the_service(admin_client, one_seat):
    for _ in range(3):
        submit(one_seat)
    field = services.quota_field(one_seat.quotas.get().stream_id)
    url = f"/admin/programs/cohort/{one_seat.pk}/seats/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert page.context["form"][field].value() == 1
    refused = admin_client.post(url, {field: "0", "reason": "Ошибка"})
    assert refused.status_code == 200 and refused.context["form"].errors
    done = admin_client.post(url, {field: "2", "reason": "Второй станок"})
    assert done.status_code == 302
    assert statuses(one_seat) == [S.OFFERED, S.OFFERED, S.WAITLISTED]


def test_the_cancel_page_needs_the_tick_and_a_reason(admin_client, one_seat):
    submit(one_seat)
    url = f"/admin/programs/cohort/{one_seat.pk}/cancel/"
    assert admin_client.post(url, {"reason": "Нет зала"}).status_code == 200
    one_seat.refresh_from_db()
    assert one_seat.status == Cohort.Status.OPEN
    admin_client.post(url, {"reason": "Нет зала", "confirm": "on"})
    one_seat.refresh_from_db()
    assert one_seat.status == Cohort.Status.CANCELLED
    assert statuses(one_seat) == [S.WITHDRAWN]


def test_the_correction_page_shows_the_services_refusal_next_to_the_field(
    admin_client, one_seat
):
    applicant = submit(one_seat, email="page@example.org").applicant
    url = f"/admin/enrollment/applicant/{applicant.pk}/correct/"
    page = admin_client.get(url)
    assert page.context["form"]["birth_date"].value() == applicant.birth_date
    assert 'value="1990-05-17"' in page.content.decode()
    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if value is not None
    }
    data["birth_date"] = applicant.birth_date.isoformat()
    data["phone"] = str(applicant.phone)
    refused = admin_client.post(
        url, {**data, "snils": "11223344596", "correction_reason": "Паспорт"}
    )
    assert refused.status_code == 200
    assert "snils" in refused.context["form"].errors
    done = admin_client.post(
        url, {**data, "email": "fixed@example.org", "correction_reason": "Паспорт"}
    )
    assert done.status_code == 302
    applicant.refresh_from_db()
    assert applicant.email == "fixed@example.org"
    assert applicant.applications.get().email_key == "fixed@example.org"
