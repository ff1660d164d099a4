"""Whether a group takes applications on a day, and why not: one derived value
(``Cohort.admission``) that the program page, the catalog's counts and the
apply page agree on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from programs.models import Admission, Cohort
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 10)


def group(**fields) -> Cohort:
    """A group starting 1 October 2026; the last day to apply 28 September."""
    fields.setdefault("starts_on", datetime.date(2026, 10, 1))
    fields.setdefault("ends_on", datetime.date(2026, 12, 1))
    fields.setdefault("application_deadline", datetime.date(2026, 9, 28))
    return CohortFactory.build(**fields)


@pytest.mark.parametrize(
    ("fields", "state", "message"),
    [
        ({}, Admission.OPEN, "Приём заявок до 28 сентября 2026"),
        (
            {"applications_open_on": datetime.date(2026, 9, 15)},
            Admission.OPENS_LATER,
            "Приём откроется 15 сентября 2026",
        ),
        (
            {"application_deadline": datetime.date(2026, 9, 9)},
            Admission.CLOSED_ON,
            "Приём окончен 9 сентября 2026; занятия начнутся 1 октября 2026",
        ),
        (
            {
                "starts_on": datetime.date(2026, 9, 1),
                "application_deadline": datetime.date(2026, 8, 28),
            },
            Admission.STARTED,
            "Приём окончен: группа начала занятия 1 сентября 2026",
        ),
        (
            {
                "status": Cohort.Status.CLOSED,
                "starts_on": datetime.date(2026, 9, 1),
                "application_deadline": datetime.date(2026, 9, 20),
            },
            Admission.STARTED,
            "Приём окончен: группа начала занятия 1 сентября 2026",
        ),
        (
            {"status": Cohort.Status.CLOSED},
            Admission.COMPLETE,
            "Набор в группу завершён",
        ),
        ({"status": Cohort.Status.CANCELLED}, Admission.CANCELLED, "Набор отменён"),
        (
            {
                "status": Cohort.Status.CANCELLED,
                "applications_open_on": datetime.date(2026, 9, 15),
            },
            Admission.CANCELLED,
            "Набор отменён",
        ),
    ],
    ids=[
        "open",
        "opens-later",
        "deadline-passed",
        "started",
        "closed-and-started",
        "closed-by-staff",
        "cancelled",
        "cancelled-before-opening",
    ],
)
def test_each_group_says_whether_it_takes_applications_and_why_not(
    fields, state, message
):
    cohort = group(**fields)
    admission = cohort.admission(TODAY)
    assert admission.state == state
    assert str(admission) == message
    assert admission.is_open == (state == Admission.OPEN)
    assert cohort.accepts_applications(TODAY) == admission.is_open


def test_the_reason_is_said_in_english_too():
    cohort = group(applications_open_on=datetime.date(2026, 9, 15))
    with translation.override("en"):
        assert str(cohort.admission(TODAY)) == "Applications open on 15 September 2026"


def test_a_group_opens_on_its_first_day_to_apply_and_closes_after_its_last():
    cohort = group(applications_open_on=datetime.date(2026, 9, 15))
    day = datetime.timedelta(days=1)
    assert cohort.admission(datetime.date(2026, 9, 14)).state == Admission.OPENS_LATER
    assert cohort.admission(datetime.date(2026, 9, 15)).is_open
    assert cohort.admission(datetime.date(2026, 9, 28)).is_open
    assert cohort.admission(datetime.date(2026, 9, 28) + day).state == (
        Admission.CLOSED_ON
    )


def test_a_late_application_window_keeps_a_started_group_open():
    cohort = group(
        starts_on=datetime.date(2026, 9, 1),
        application_deadline=datetime.date(2026, 9, 12),
    )
    assert cohort.admission(TODAY).is_open


def test_the_catalog_counts_a_group_open_only_from_its_first_day_to_apply():
    today = datetime.date.today()
    later = CohortFactory(applications_open_on=today + datetime.timedelta(days=2))
    now = CohortFactory(applications_open_on=today)
    always = CohortFactory()
    open_now = set(Cohort.objects.open_for_applications(today))
    assert open_now == {now, always}
    assert later in set(
        Cohort.objects.open_for_applications(today + datetime.timedelta(days=2))
    )


def test_applications_cannot_open_after_the_last_day_to_apply():
    cohort = group(applications_open_on=datetime.date(2026, 9, 29))
    with pytest.raises(ValidationError) as error:
        cohort.clean()
    assert "applications_open_on" in error.value.message_dict
    saved = CohortFactory()
    saved.applications_open_on = saved.application_deadline + datetime.timedelta(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        saved.save()


def test_the_apply_page_refuses_a_group_before_its_first_day_to_apply(client):
    opens = datetime.date.today() + datetime.timedelta(days=3)
    cohort = CohortFactory(applications_open_on=opens)
    response = client.get(f"/apply/{cohort.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Заявка на обучение" not in html
    assert f"откроется {opens:%d.%m.%Y}" in html
