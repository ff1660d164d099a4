"""The e-mail outbox: an e-mail is kept with the change it tells about, goes out
after the commit, and waits for the mail server when it is away."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from copp.mail import MAX_ATTEMPTS, queue
from copp.models import OutgoingEmail
from enrollment.services import privacy
from tests.factories import CohortFactory, submit

pytestmark = pytest.mark.django_db
UNREACHABLE = "tests.mail_backends.UnreachableBackend"


def test_the_email_goes_out_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(CohortFactory(), email="anna@example.org")
        assert mail.outbox == []  # not before the commit
    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    email = OutgoingEmail.objects.get()
    assert email.sent_at is not None and email.attempts == 0
    assert message.alternatives[0][1] == "text/html"


def test_a_change_that_rolls_back_takes_its_email_with_it(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue("Тема", "Текст", ["anna@example.org"])
        raise RuntimeError("the change failed")
    assert OutgoingEmail.objects.count() == 0
    assert mail.outbox == []


def test_a_mail_outage_keeps_the_email_until_the_server_is_back(
    django_capture_on_commit_callbacks,
):
    with override_settings(EMAIL_BACKEND=UNREACHABLE):
        with django_capture_on_commit_callbacks(execute=True):
            application = submit(CohortFactory(), email="anna@example.org")
        call_command("send_queued_emails", verbosity=0)  # not due yet: waits
    application.refresh_from_db()
    assert application.pk  # the application itself is kept
    email = OutgoingEmail.objects.get()
    assert (email.sent_at, email.attempts) == (None, 1)
    assert "SMTPConnectError" in email.last_error
    assert email.next_attempt_at > timezone.now()
    assert mail.outbox == []

    # The server is back; the next run after the pause sends it.
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    call_command("send_queued_emails", verbosity=0)
    email.refresh_from_db()
    assert email.sent_at is not None
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    call_command("send_queued_emails", verbosity=0)
    assert len(mail.outbox) == 1  # never twice


def test_the_outbox_gives_up_after_many_attempts_and_forgets_old_mail(settings):
    stale = queue("Старое", "…", ["old@example.org"])
    OutgoingEmail.objects.filter(pk=stale.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=settings.EMAIL_KEEP_DAYS + 1)
    )
    hopeless = queue("Безнадёжное", "…", ["x@example.org"])
    OutgoingEmail.objects.filter(pk=hopeless.pk).update(
        attempts=MAX_ATTEMPTS, next_attempt_at=timezone.now()
    )
    call_command("send_queued_emails", verbosity=0)
    assert not OutgoingEmail.objects.filter(pk=stale.pk).exists()
    assert OutgoingEmail.objects.get(pk=hopeless.pk).sent_at is None
    assert mail.outbox == []


def test_anonymising_a_person_forgets_their_emails(
    admin_user, django_capture_on_commit_callbacks
):
    from enrollment import services

    with django_capture_on_commit_callbacks(execute=True):
        application = submit(CohortFactory(), email="Anna@Example.org")
    other = queue("Другому", "…", ["boris@example.org"])
    privacy.anonymise(
        applicant=application.applicant,
        actor=services.Actor.staff(admin_user),
        reason="Запрос",
    )
    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [other.pk]
