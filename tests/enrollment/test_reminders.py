"""Reminders and alerts: each goes once per event, to whom it concerns."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from copp import roles
from enrollment import services
from enrollment.models import Application, ApplicationStatus
from enrollment.services.alerts import notify_cohorts_at_risk
from enrollment.services.reminders import send_due_reminders
from programs.models import Cohort, EducationLevel
from tests.factories import (
    CohortFactory,
    ProgramFactory,
    applicant_data,
    pdf_file,
    submit,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def first_come():
    return CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=5)


def sent_to(kind_words: str) -> list[list[str]]:
    return [m.to for m in mail.outbox if kind_words in m.subject]


def test_an_offer_about_to_expire_is_reminded_once(first_come, run_tasks):
    application = submit(first_come, email="offer@example.org")
    assert application.status == S.OFFERED
    now = application.offer_expires_at - datetime.timedelta(hours=30)
    assert send_due_reminders(now=now)["offer_expiring"] == 0  # not yet
    now = application.offer_expires_at - datetime.timedelta(hours=20)
    assert send_due_reminders(now=now)["offer_expiring"] == 1
    assert (
        send_due_reminders(now=now + datetime.timedelta(hours=1))["offer_expiring"] == 0
    )
    run_tasks()
    assert sent_to("истекает") == [["offer@example.org"]]
    # Accepted: nothing more to remind.
    services.accept_offer(application=application)


def test_missing_documents_are_reminded_three_days_after_applying(run_tasks):
    program = ProgramFactory(required_education=EducationLevel.SECONDARY_GENERAL)
    cohort = CohortFactory(program=program)
    complete = submit(
        cohort,
        documents=[("passport", pdf_file()), ("education", pdf_file())],
    )
    submit(cohort, email="lacking@example.org", documents=[("passport", pdf_file())])
    rejected = submit(
        cohort,
        email="rejected@example.org",
        documents=[("passport", pdf_file()), ("education", pdf_file())],
    )
    staff = services.Actor.staff(User.objects.create_user("s", is_staff=True))
    services.reject_document(
        document=rejected.documents.get(kind="education"),
        actor=staff,
        reason="Нечитаемый скан",
    )
    run_tasks()
    mail.outbox.clear()
    now = timezone.now()
    assert send_due_reminders(now=now)["documents_missing"] == 0
    later = now + datetime.timedelta(days=3, minutes=1)
    assert send_due_reminders(now=later)["documents_missing"] == 2
    assert send_due_reminders(now=later)["documents_missing"] == 0
    run_tasks()
    assert sorted(sent_to("Не хватает")) == [
        ["lacking@example.org"],
        ["rejected@example.org"],
    ]
    rejected_mail = next(m for m in mail.outbox if "rejected@" in m.to[0])
    assert "Нечитаемый скан" in rejected_mail.body
    assert complete.applicant.email not in [m.to[0] for m in mail.outbox]


def test_the_day_before_the_group_starts_learners_get_the_event(run_tasks):
    cohort = CohortFactory(
        program=ProgramFactory(min_age=14),
        starts_on=timezone.localdate() + datetime.timedelta(days=1),
        application_deadline=timezone.localdate(),
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
    )
    minor = submit(
        cohort,
        data=applicant_data(
            email="pupil@example.org",
            birth_date=timezone.localdate().replace(
                year=timezone.localdate().year - 16
            ),
            representative_name="Иванова Мария Петровна",
            representative_phone="+79120000001",
            representative_email="mother@example.org",
            representative_relation="mother",
            snils="112-233-445 95",
        ),
    )
    waiting_only = submit(cohort, email="offered@example.org")  # offer not accepted
    staff = services.Actor.staff(User.objects.create_user("s", is_staff=True))
    services.enrol(application=minor, actor=staff)
    run_tasks()
    mail.outbox.clear()
    assert send_due_reminders()["group_starts"] == 1
    assert send_due_reminders()["group_starts"] == 0
    run_tasks()
    [message] = [m for m in mail.outbox if "завтра" in m.subject.lower()]
    assert message.to == ["pupil@example.org", "mother@example.org"]
    assert cohort.venue.address in message.body
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"{cohort.code}.ics", "text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == cohort.starts_on
    assert cohort.program.title in str(event.get("summary"))
    assert waiting_only.applicant.email not in [m.to[0] for m in mail.outbox]


def test_each_reminder_can_be_turned_off(first_come, settings):
    settings.REMINDERS = dict.fromkeys(settings.REMINDERS, False)
    application = submit(first_come)
    now = application.offer_expires_at - datetime.timedelta(hours=2)
    assert sum(send_due_reminders(now=now).values()) == 0


def test_groups_at_risk_are_mailed_to_intake_staff_once(run_tasks):
    call_command("setup_roles", verbosity=0)
    intake = User.objects.create_user("i", email="intake@example.org", is_staff=True)
    intake.groups.add(Group.objects.get(name=roles.INTAKE))
    User.objects.create_user(
        "m", email="manager@example.org", is_staff=True
    ).groups.add(Group.objects.get(name=roles.MANAGERS))
    risky = CohortFactory(
        starts_on=timezone.localdate() + datetime.timedelta(days=5),
        application_deadline=timezone.localdate() + datetime.timedelta(days=2),
        min_size=4,
    )
    assert notify_cohorts_at_risk() == 1
    assert notify_cohorts_at_risk() == 0
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["intake@example.org"]
    assert risky.code in message.subject
    assert Application.objects.count() == 0
