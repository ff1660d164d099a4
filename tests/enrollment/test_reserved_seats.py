"""Seats reserved for a partner's employees: used by them first, by nobody else,
and back in the general pool on the day staff chose."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from enrollment import services
from enrollment.models import Application, ApplicationStatus, SeatReservation
from enrollment.seats import count_seats
from programs.models import Cohort
from tests.factories import CohortFactory, applicant_data, required_consents, submit

pytestmark = pytest.mark.django_db
S = ApplicationStatus
PARTNER = "7707083893"


def employee(cohort, **overrides):
    return services.submit_application(
        cohort_id=cohort.pk,
        data=applicant_data(**overrides),
        submission_key=uuid.uuid4(),
        consent_text_ids=required_consents(),
        employer_inn=PARTNER,
    )


@pytest.fixture
def cohort():
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=5)
    services.reserve_seats(
        cohort=cohort,
        employer_inn=PARTNER,
        employer_name="АО «ЭСЗ»",
        seats=2,
        release_on=cohort.starts_on - datetime.timedelta(days=5),
    )
    return cohort


def test_reserved_seats_go_to_the_partners_employees_only(cohort):
    general = [submit(cohort) for _ in range(4)]
    assert [a.status for a in general] == [S.OFFERED] * 3 + [S.WAITLISTED]
    staff = [employee(cohort) for _ in range(3)]
    assert [a.status for a in staff] == [S.OFFERED, S.OFFERED, S.WAITLISTED]
    assert count_seats(cohort).held == 5


def test_employees_use_general_seats_when_their_reserved_ones_are_taken(cohort):
    staff = [employee(cohort) for _ in range(3)]
    assert [a.status for a in staff] == [S.OFFERED] * 3  # 2 reserved + 1 general
    general = [submit(cohort) for _ in range(3)]
    assert [a.status for a in general] == [S.OFFERED, S.OFFERED, S.WAITLISTED]


def test_a_freed_reserved_seat_goes_to_the_next_employee_waiting(cohort):
    first, _second = employee(cohort), employee(cohort)
    for _ in range(3):
        submit(cohort)
    general_waiting = submit(cohort)
    employee_waiting = employee(cohort)
    assert (general_waiting.status, employee_waiting.status) == (
        S.WAITLISTED,
        S.WAITLISTED,
    )
    services.withdraw_application(application=first, actor=services.Actor.applicant())
    general_waiting.refresh_from_db()
    employee_waiting.refresh_from_db()
    assert (general_waiting.status, employee_waiting.status) == (
        S.WAITLISTED,
        S.OFFERED,
    )


def test_unused_reserved_seats_return_to_everyone_on_the_release_day(cohort):
    for _ in range(3):
        submit(cohort)
    waiting = [submit(cohort) for _ in range(2)]
    assert all(a.status == S.WAITLISTED for a in waiting)
    later = timezone.now() + datetime.timedelta(
        days=(cohort.starts_on - timezone.localdate()).days
    )
    services.expire_offers(now=later)
    for application in waiting:
        application.refresh_from_db()
    assert [a.status for a in waiting] == [S.OFFERED, S.OFFERED]


def test_only_free_seats_can_be_reserved():
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=3)
    for _ in range(2):
        submit(cohort)
    with pytest.raises(ValidationError) as excinfo:
        services.reserve_seats(
            cohort=cohort,
            employer_inn=PARTNER,
            employer_name="АО «ЭСЗ»",
            seats=2,
            release_on=cohort.starts_on,
        )
    assert "seats" in excinfo.value.message_dict
    assert not SeatReservation.objects.exists()


def test_public_seat_counts_leave_out_the_reserved_seats(client, cohort):
    submit(cohort)
    response = client.get(cohort.program.get_absolute_url())
    shown = response.context["page"].groups[0].cohort
    assert shown.seats_open == 2  # 5 - 1 taken - 2 reserved


def test_the_form_asks_for_the_employer_when_seats_are_reserved(client, cohort):
    response = client.get(reverse("enrollment:apply", kwargs={"cohort_id": cohort.pk}))
    assert "employer_inn" in response.context["form"].fields
    assert "АО «ЭСЗ»" in response.content.decode()
    other = CohortFactory()
    response = client.get(reverse("enrollment:apply", kwargs={"cohort_id": other.pk}))
    assert "employer_inn" not in response.context["form"].fields


def test_cancelling_a_reservation_moves_the_queue(cohort):
    for _ in range(3):
        submit(cohort)
    waiting = submit(cohort)
    services.cancel_reservation(cohort=cohort, employer_inn=PARTNER)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED
    assert Application.objects.filter(cohort=cohort, status=S.OFFERED).count() == 4
