"""The report's daily intake figures are kept by the services, change by change,
and always equal what the applications themselves say."""

from __future__ import annotations

import datetime
import zoneinfo
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from enrollment import services
from enrollment.models import DailyIntake
from enrollment.services.figures import (
    daily_intake_from_applications,
    rebuild_daily_intake,
)
from programs.models import Cohort
from tests.factories import CohortFactory, submit

pytestmark = pytest.mark.django_db
MSK = zoneinfo.ZoneInfo("Europe/Moscow")
FIELDS = ("day", "cohort", "submitted", "reviewed", "offered", "enrolled", "completed")


def kept() -> list[tuple]:
    return list(DailyIntake.objects.order_by("day", "cohort").values_list(*FIELDS))


def recomputed() -> list[tuple]:
    return [tuple(row[f] for f in FIELDS) for row in daily_intake_from_applications()]


def test_every_transition_is_counted_once_on_the_day_of_submission(admin_user):
    staff = services.Actor.staff(admin_user)
    review = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW, capacity=2)
    first_come = CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=1
    )
    a = submit(review, snils="112-233-445 95")
    b, c, d = (submit(review) for _ in range(3))
    services.accept_application(application=a, actor=staff)
    services.accept_offer(application=a)
    services.enrol(application=a, actor=staff)
    services.start_studies(application=a, actor=staff)
    services.complete_studies(
        application=a,
        actor=staff,
        document=services.IssuedDocument("7", timezone.localdate()),
    )
    services.take_into_review(application=b, actor=staff)
    services.reject_application(application=b, actor=staff, reason="—")
    # Rejected, then reviewed again and offered: each stage still counts once.
    services.take_into_review(application=b, actor=staff)
    services.accept_application(application=b, actor=staff)
    services.return_to_waitlist(application=b, actor=staff)
    services.accept_application(application=c, actor=staff)
    services.decline_offer(application=c)
    services.withdraw_application(application=d, actor=services.Actor.applicant())
    # First come: an offer at once, then a waiting place; expiry moves the queue.
    e, f = submit(first_come), submit(first_come)
    services.expire_offers(now=timezone.now() + datetime.timedelta(days=30))

    today = timezone.localdate()
    assert kept() == recomputed()
    assert kept() == [
        (today, review.pk, 4, 3, 3, 1, 1),
        (today, first_come.pk, 2, 2, 2, 0, 0),
    ]
    e.refresh_from_db()
    f.refresh_from_db()
    assert (e.status, f.status) == ("withdrawn", "offered")


def test_the_day_is_the_day_in_moscow():
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    # 20:59 UTC is 23:59 in Moscow; 21:00 UTC is already the next day there.
    for moment in (
        datetime.datetime(2026, 10, 31, 20, 59, tzinfo=datetime.UTC),
        datetime.datetime(2026, 10, 31, 21, 0, tzinfo=datetime.UTC),
    ):
        with mock.patch("django.utils.timezone.now", return_value=moment):
            submit(cohort)
    assert [(day, n) for day, _c, n, *_rest in kept()] == [
        (datetime.date(2026, 10, 31), 1),
        (datetime.date(2026, 11, 1), 1),
    ]
    assert kept() == recomputed()


def test_rebuild_gives_the_same_rows_and_can_run_again(admin_user):
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    applications = [submit(cohort) for _ in range(3)]
    services.take_into_review(
        application=applications[0], actor=services.Actor.staff(admin_user)
    )
    before = kept()
    assert rebuild_daily_intake() == 1
    assert kept() == before
    DailyIntake.objects.update(submitted=0)  # figures gone wrong
    rebuild_daily_intake()
    assert kept() == before == [(timezone.localdate(), cohort.pk, 3, 1, 0, 0, 0)]


def test_a_refused_change_counts_nothing(admin_user):
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    application = submit(cohort)
    services.withdraw_application(
        application=application, actor=services.Actor.applicant()
    )
    with pytest.raises(ValidationError):
        services.take_into_review(
            application=application, actor=services.Actor.staff(admin_user)
        )
    assert kept() == recomputed() == [(timezone.localdate(), cohort.pk, 1, 0, 0, 0, 0)]


def test_the_command_checks_and_rebuilds(capsys):
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    submit(cohort)
    call_command("rebuild_daily_intake", "--check")
    DailyIntake.objects.update(submitted=5)
    with pytest.raises(CommandError):
        call_command("rebuild_daily_intake", "--check")
    call_command("rebuild_daily_intake")
    call_command("rebuild_daily_intake", "--check")
    assert "agree" in capsys.readouterr().out
