"""The e-mail about a new status is written by the task worker, not by the
change: the change enqueues one task (with the deadline of an offer), the
worker writes the e-mail once, in the applicant's language, to the address on
file then."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django_tasks_db.models import DBTaskResult

from enrollment import services
from enrollment.models import ApplicationStatus
from enrollment.services import privacy
from enrollment.tasks import send_status_email
from programs.models import Cohort
from tests.enrollment.test_views import apply_url, form_data
from tests.factories import CohortFactory, submit

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def first_come():
    return CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=1)


def waiting(task_path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status="READY", task_path=task_path))


def test_applying_enqueues_the_status_emails_and_renders_none(client, first_come):
    response = client.post(apply_url(first_come), form_data(), REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 302
    # Nothing was rendered while the request ran (the cohort was locked for
    # most of it): the two e-mails wait as tasks, none is written yet.
    assert response.templates == []
    written = waiting("enrollment.tasks.send_status_email")
    statuses = sorted(t.args_kwargs["kwargs"]["status"] for t in written)
    assert statuses == [S.OFFERED, S.SUBMITTED]
    assert waiting("core.mail.deliver_email") == []
    assert mail.outbox == []


def test_the_worker_writes_each_status_email_once(first_come, run_tasks):
    application = submit(first_come, email="once@example.org")
    run_tasks()
    subjects = sorted(m.subject.split(" — ")[0] for m in mail.outbox)
    assert subjects == [
        "Вам предложено место: подтвердите, пожалуйста",
        "Заявка принята",
    ]
    assert all(m.to == ["once@example.org"] for m in mail.outbox)
    assert all(application.get_absolute_url() in m.body for m in mail.outbox)
    # The same task run again (a worker that died after its work) sends nothing new.
    for task in DBTaskResult.objects.filter(
        task_path="enrollment.tasks.send_status_email"
    ):
        send_status_email.enqueue(**task.args_kwargs["kwargs"])
    run_tasks()
    assert len(mail.outbox) == 2


def test_an_offer_email_gives_the_deadline_set_with_the_offer(first_come, run_tasks):
    application = submit(first_come)
    assert application.status == S.OFFERED
    deadline = application.offer_expires_at
    # The applicant declines before the worker writes the offer's e-mail: the
    # offer has no deadline any more, the e-mail still gives the one it had.
    services.decline_offer(application=application)
    application.refresh_from_db()
    assert application.offer_expires_at is None
    run_tasks()
    offer = next(m for m in mail.outbox if "предложено место" in m.subject)
    with translation.override("ru"):
        expected = dateformat.format(timezone.localtime(deadline), "j E Y, H:i")
    assert expected in offer.body


def test_nothing_is_written_to_a_person_anonymised_meanwhile(
    first_come, run_tasks, django_user_model
):
    application = submit(first_come, email="gone@example.org")
    user = django_user_model.objects.create_user("officer", is_staff=True)
    privacy.anonymise(
        applicant=application.applicant,
        actor=services.Actor.staff(user),
        reason="Запрос",
    )
    run_tasks()
    assert mail.outbox == []


def test_a_staff_step_emails_through_the_worker_too(run_tasks, django_user_model):
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    application = submit(cohort)
    run_tasks()
    mail.outbox.clear()
    user = django_user_model.objects.create_user("staff", is_staff=True)
    services.reject_application(
        application=application,
        actor=services.Actor.staff(user),
        reason="Нет мест по программе",
    )
    assert mail.outbox == []
    run_tasks()
    [message] = mail.outbox
    assert "Нет мест по программе" in message.body
    assert reverse("enrollment:status", args=[application.token]) in message.body


def test_a_status_email_goes_out_in_the_order_of_its_change(
    run_tasks, django_user_model
):
    """Written by the worker, it is still sent before the e-mails enqueued
    after its change (a backlog after an outage keeps its order)."""
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW)
    application = submit(cohort)
    run_tasks()
    mail.outbox.clear()
    actor = services.Actor.staff(
        django_user_model.objects.create_user("staff", is_staff=True)
    )
    services.reject_application(application=application, actor=actor, reason="Мест нет")
    services.send_message(
        application=application, actor=actor, subject="Расписание", text="Потом"
    )
    run_tasks()
    assert [m.subject.split(" — ")[0] for m in mail.outbox] == [
        "Заявка отклонена",
        "Расписание",
    ]
