"""Applying holds the cohort's lock for as little as it can: the streams the
form read are not read again under the lock, only checked against the
cohort's streams now; the seats counted once; the e-mails left to a task."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrollment import services
from enrollment.models import Application, ApplicationStatus
from programs import eligibility
from programs.models import Cohort
from tests.enrollment.test_views import apply_url, form_data
from tests.factories import (
    CohortFactory,
    applicant_data,
    required_consents,
    stream,
    submit,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def cohort():
    return CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        quotas={"personal": 4, "regional": 2},
    )


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("staff", is_staff=True)
    return services.Actor.staff(user)


def apply_with(cohort, streams, stream_code):
    return services.submit_application(
        cohort_id=cohort.pk,
        data=applicant_data(),
        submission_key=uuid.uuid4(),
        consent_text_ids=required_consents(),
        stream_id=stream(stream_code).pk,
        streams=streams,
    )


def test_a_stream_removed_after_the_form_was_read_is_refused(cohort, staff):
    read_by_the_form = eligibility.cohort_streams(cohort)
    services.update_cohort(
        cohort=cohort, actor=staff, quotas={stream("personal").pk: 4}
    )
    with pytest.raises(ValidationError) as refused:
        apply_with(cohort, read_by_the_form, "regional")
    [error] = refused.value.error_dict["stream"]
    assert error.code == "no_such_stream"
    assert not Application.objects.filter(cohort=cohort).exists()


def test_a_stream_added_after_the_form_was_read_is_taken(staff):
    cohort = CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME, quotas={"personal": 4}
    )
    read_by_the_form = eligibility.cohort_streams(cohort)
    services.update_cohort(
        cohort=cohort,
        actor=staff,
        quotas={stream("personal").pk: 4, stream("regional").pk: 1},
    )
    application = apply_with(cohort, read_by_the_form, "regional")
    assert application.stream == stream("regional")
    assert application.status == S.OFFERED


def test_the_streams_the_form_read_give_the_same_seats(cohort):
    read_by_the_form = eligibility.cohort_streams(cohort)
    statuses = [
        apply_with(cohort, read_by_the_form, "regional").status for _ in range(3)
    ]
    assert statuses == [S.OFFERED, S.OFFERED, S.WAITLISTED]


def test_applying_holds_the_cohort_lock_for_few_queries(client, cohort):
    """A guard against reads creeping back under the lock: every application
    to the cohort waits while one holds it. Under it: the lock, one look for
    the same form or person, the streams checked, the rows and their history,
    the seats counted once (the waiting list read as a seat is free), the
    e-mails as two task rows (70 queries in all before, 49 under the lock)."""
    # The day's figures row exists already, as on any day but its first.
    submit(cohort, stream_code="personal")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            apply_url(cohort),
            form_data(stream=stream("personal").pk),
            REMOTE_ADDR="192.0.2.30",
        )
    assert response.status_code == 302
    sql = [q["sql"] for q in captured]
    locked_at = next(
        i
        for i, q in enumerate(sql)
        if q.startswith('SELECT "programs_cohort"') and "FOR UPDATE" in q
    )
    under_lock = sql[locked_at:]
    assert len(under_lock) <= 23, "\n".join(under_lock)
    assert len(sql) <= 35, "\n".join(sql)
