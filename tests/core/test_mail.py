"""E-mail through the task queue: enqueued in the transaction of the change,
sent by the worker, retried while the mail server is away, sent once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import mail as core_mail
from core.models import EmailDelivery
from tests.factories import CohortFactory, submit

pytestmark = pytest.mark.django_db


def ready_mail() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            status="READY", task_path="core.mail.deliver_email"
        ).order_by("enqueued_at")
    )


def make_due(tasks) -> None:
    DBTaskResult.objects.filter(pk__in=[t.pk for t in tasks]).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_committed_change_sends_exactly_one_email(run_tasks):
    cohort = CohortFactory()
    application = submit(cohort, email="one@example.org")
    assert mail.outbox == []  # written with the change, not sent by it
    run_tasks()
    assert [m.to for m in mail.outbox] == [["one@example.org"]]
    assert application.get_absolute_url() in mail.outbox[0].body
    run_tasks()
    assert len(mail.outbox) == 1


def test_a_change_that_rolls_back_takes_its_email_with_it(run_tasks):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        core_mail.send_later("Тема", "Текст", ["gone@example.org"])
        raise Undo
    assert ready_mail() == []
    run_tasks()
    assert mail.outbox == []


def test_a_mail_outage_retries_with_growing_pauses_until_the_server_is_back(
    settings, run_tasks
):
    settings.EMAIL_BACKEND = "tests.mail_backends.UnreachableBackend"
    core_mail.send_later("Тема", "Текст", ["wait@example.org"])
    pauses = []
    for attempt in range(1, 4):
        before = timezone.now()
        run_tasks()
        [retry] = ready_mail()
        assert retry.args_kwargs["kwargs"]["attempt"] == attempt + 1
        pauses.append(round((retry.run_after - before).total_seconds() / 60))
        make_due([retry])
    assert pauses == [1, 2, 4]
    assert mail.outbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_tasks()
    assert [m.to for m in mail.outbox] == [["wait@example.org"]]
    assert ready_mail() == []


def test_a_permanent_failure_is_a_failed_task_staff_can_see(settings, run_tasks):
    settings.EMAIL_BACKEND = "tests.mail_backends.UnreachableBackend"
    core_mail.send_later("Тема", "Текст", ["never@example.org"])
    for _ in range(core_mail.MAX_ATTEMPTS):
        run_tasks()
        make_due(ready_mail())
    assert ready_mail() == []
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.args_kwargs["kwargs"]["attempt"] == core_mail.MAX_ATTEMPTS
    assert "SMTPConnectError" in failed.exception_class_path


def test_an_email_task_run_twice_sends_once(run_tasks):
    key = core_mail.send_later("Тема", "Текст", ["twice@example.org"])
    [task] = ready_mail()
    run_tasks()
    # The same message enqueued again (a recovered worker, a repeated duty).
    core_mail.deliver_email.enqueue(**task.args_kwargs["kwargs"])
    run_tasks()
    assert len(mail.outbox) == 1
    assert EmailDelivery.objects.get(key=key).sent_at is not None


def test_an_email_with_a_key_is_enqueued_once():
    assert core_mail.send_later("Тема", "Текст", ["a@example.org"], key="k-1")
    assert core_mail.send_later("Тема", "Текст", ["a@example.org"], key="k-1") is None
    assert len(ready_mail()) == 1


def test_attachments_travel_with_the_email(run_tasks):
    core_mail.send_later(
        "Тема",
        "Текст",
        ["a@example.org"],
        attachments=[
            core_mail.Attachment("a.ics", b"BEGIN:VCALENDAR", "text/calendar")
        ],
    )
    run_tasks()
    [message] = mail.outbox
    assert message.attachments == [("a.ics", "BEGIN:VCALENDAR", "text/calendar")]


def test_a_claim_left_by_a_dead_worker_is_waited_out_then_sent(run_tasks):
    """A worker died after claiming an e-mail and before sending it: the task
    run again does not give up on it, but looks again when the claim lapses."""
    key = core_mail.send_later("Тема", "Текст", ["late@example.org"])
    claimed_at = timezone.now()
    EmailDelivery.objects.filter(key=key).update(claimed_at=claimed_at)
    run_tasks()
    assert mail.outbox == []  # the claim still holds
    [again] = ready_mail()
    assert again.run_after == claimed_at + core_mail.lease()
    make_due([again])
    EmailDelivery.objects.filter(key=key).update(
        claimed_at=claimed_at - core_mail.lease()
    )
    run_tasks()
    assert [m.to for m in mail.outbox] == [["late@example.org"]]
    assert ready_mail() == []


def test_anonymising_forgets_the_persons_emails(run_tasks):
    core_mail.send_later("Тема", "Текст", ["Person@Example.org", "rep@example.org"])
    core_mail.send_later("Тема", "Текст", ["other@example.org"])
    run_tasks()
    core_mail.send_later("Ещё", "Текст", ["person@example.org"])
    assert core_mail.forget_recipient("person@example.org") == 2
    remaining = DBTaskResult.objects.filter(task_path="core.mail.deliver_email")
    assert [r.args_kwargs["kwargs"]["recipients"] for r in remaining] == [
        ["other@example.org"]
    ]
