"""«Tell me when a group opens»: the subscription with its own consent, the
confirmation, the notice once per group, unsubscribing (the address deleted),
and the public form's answers."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from programs import services
from programs.models import (
    Cohort,
    ProgramSubscription,
    SubscriptionConsentText,
    SubscriptionNotice,
)
from tests.factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def program():
    return ProgramFactory(title="Сварщик ручной дуговой сварки", slug="welder")


def subscribe(program, email="anna@example.org", **kwargs):
    kwargs.setdefault("consent", True)
    kwargs.setdefault(
        "evidence", services.Evidence(ip_address="203.0.113.5", user_agent="pytest")
    )
    return services.subscribe_to_program(program=program, email=email, **kwargs)


def confirmed(program, email="anna@example.org", **kwargs):
    subscription = subscribe(program, email, **kwargs)
    services.confirm_program_subscription(token=subscription.token)
    subscription.refresh_from_db()
    return subscription


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


# --- Services -------------------------------------------------------------


def test_subscribing_keeps_the_address_with_its_consent_and_asks_to_confirm(
    program, run_tasks
):
    subscription = subscribe(program, "  Anna@Example.ORG ")
    assert subscription.email == "anna@example.org"
    assert subscription.confirmed_at is None
    assert subscription.consent_text == SubscriptionConsentText.objects.get()
    assert subscription.consent_given_at is not None
    assert subscription.ip_address == "203.0.113.5"
    assert subscription.user_agent == "pytest"
    assert len(subscription.token) >= 40
    run_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert "Подтвердите адрес" in message.subject
    assert program.title in message.body
    confirm = settings.SITE_URL + subscription.get_confirm_url()
    assert confirm in links(message)


def test_subscribing_again_is_one_subscription_and_no_second_letter_at_once(
    program, run_tasks
):
    first = subscribe(program, "anna@example.org")
    again = subscribe(program, "ANNA@example.org")
    assert again.pk == first.pk
    assert ProgramSubscription.objects.count() == 1
    run_tasks()
    assert len(mail.outbox) == 1
    # Later, an unconfirmed address may ask for the link again.
    later = timezone.now() + services.CONFIRMATION_RESEND_AFTER
    subscribe(program, "anna@example.org", now=later)
    run_tasks()
    assert len(mail.outbox) == 2
    # A confirmed one stays as it is: no letter, no change.
    services.confirm_program_subscription(token=first.token)
    subscribe(program, "anna@example.org", now=later + datetime.timedelta(hours=1))
    run_tasks()
    assert len(mail.outbox) == 2
    assert ProgramSubscription.objects.get().confirmed_at is not None


def test_the_same_address_may_follow_several_programs(program):
    other = ProgramFactory()
    subscribe(program)
    subscribe(other)
    assert ProgramSubscription.objects.count() == 2


def test_without_the_consent_nothing_is_kept(program, run_tasks):
    with pytest.raises(ValidationError) as error:
        subscribe(program, consent=False)
    assert "consent" in error.value.message_dict
    assert ProgramSubscription.objects.count() == 0
    run_tasks()
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "x" * 250 + "@e.ru"])
def test_an_address_that_is_not_one_is_refused(program, email):
    with pytest.raises(ValidationError) as error:
        subscribe(program, email)
    assert "email" in error.value.message_dict
    assert ProgramSubscription.objects.count() == 0


def test_an_unpublished_program_takes_no_subscriptions(program):
    program.is_published = False
    program.save()
    with pytest.raises(ValidationError):
        subscribe(program)


def test_confirming_twice_keeps_the_first_time(program):
    subscription = subscribe(program)
    first = services.confirm_program_subscription(token=subscription.token)
    second = services.confirm_program_subscription(token=subscription.token)
    assert first.confirmed_at == second.confirmed_at is not None
    assert services.confirm_program_subscription(token="x" * 43) is None


def test_unsubscribing_deletes_the_address_and_what_it_was_told(program, run_tasks):
    subscription = confirmed(program)
    CohortFactory(program=program)
    services.send_program_notices()
    assert SubscriptionNotice.objects.count() == 1
    assert services.unsubscribe_from_program(token=subscription.token) is True
    assert not ProgramSubscription.objects.filter(email="anna@example.org").exists()
    assert SubscriptionNotice.objects.count() == 0
    # A second time is no error.
    assert services.unsubscribe_from_program(token=subscription.token) is False


def test_each_subscriber_hears_of_each_open_group_once(program, run_tasks):
    anna = confirmed(program, "anna@example.org")
    boris = confirmed(program, "boris@example.org")
    subscribe(program, "unconfirmed@example.org")
    run_tasks()
    mail.outbox.clear()
    cohort = CohortFactory(program=program, code="WELD-07", starts_on=days(30))
    assert services.send_program_notices() == 2
    assert services.send_program_notices() == 0  # the hourly duty runs again
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == [anna.email, boris.email]
    message = next(m for m in mail.outbox if m.to == [anna.email])
    assert "Открыт приём заявок" in message.subject
    assert program.title in message.subject
    assert "WELD-07" in message.body
    assert f"{cohort.starts_on.day} " in message.body
    html = message.alternatives[0][0]
    assert settings.SITE_URL + anna.get_unsubscribe_url() in html
    assert settings.SITE_URL + cohort.get_absolute_url() in message.body
    # The mail client's own «Unsubscribe» (RFC 8058) posts to the same link.
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<{settings.SITE_URL}{anna.get_unsubscribe_url()}>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    # A second group of the program is news again, once.
    CohortFactory(program=program, starts_on=days(60))
    assert services.send_program_notices() == 2
    assert services.send_program_notices() == 0


def test_a_group_that_opens_on_a_date_is_announced_that_day(program):
    confirmed(program)
    CohortFactory(program=program, applications_open_on=days(3))
    assert services.send_program_notices() == 0
    assert services.send_program_notices(today=days(2)) == 0
    assert services.send_program_notices(today=days(3)) == 1
    assert services.send_program_notices(today=days(4)) == 0


def test_a_group_opened_by_staff_is_announced_at_the_next_run(program):
    confirmed(program)
    cohort = CohortFactory(program=program, status=Cohort.Status.CLOSED)
    assert services.send_program_notices() == 0
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.OPEN)
    assert services.send_program_notices() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Cohort.Status.CLOSED},
        {"status": Cohort.Status.CANCELLED},
        {"application_deadline": -1, "starts_on": 5},
        {"applications_open_on": 2},
    ],
    ids=["closed", "cancelled", "deadline-passed", "opens-later"],
)
def test_nothing_is_sent_for_a_group_not_taking_applications(
    program, run_tasks, fields
):
    confirmed(program)
    run_tasks()
    mail.outbox.clear()
    values = {k: days(v) if isinstance(v, int) else v for k, v in fields.items()}
    CohortFactory(program=program, **values)
    assert services.send_program_notices() == 0
    run_tasks()
    assert mail.outbox == []


def test_an_unpublished_programs_groups_are_not_announced(program):
    confirmed(program)
    CohortFactory(program=program)
    program.is_published = False
    program.save()
    assert services.send_program_notices() == 0


def test_a_group_open_when_someone_subscribed_is_not_news_to_them(program):
    CohortFactory(program=program)
    confirmed(program)
    assert services.send_program_notices() == 0
    CohortFactory(program=program, starts_on=days(90))
    assert services.send_program_notices() == 1


def test_unconfirmed_addresses_are_forgotten_after_a_week(program):
    asked = subscribe(program, "old@example.org").consent_given_at
    confirmed(program, "kept@example.org", now=asked - datetime.timedelta(days=30))
    later = asked + services.UNCONFIRMED_KEPT_FOR
    assert services.forget_unconfirmed_subscriptions(now=later) == 0
    later += datetime.timedelta(minutes=1)
    assert services.forget_unconfirmed_subscriptions(now=later) == 1
    assert list(ProgramSubscription.objects.values_list("email", flat=True)) == [
        "kept@example.org"
    ]


def test_the_hourly_duty_is_scheduled_and_runs_as_a_task(program, run_tasks):
    duties = {task for _name, task, *_ in settings.PERIODIC_DUTIES}
    assert "programs.tasks.send_program_notices" in duties
    confirmed(program)
    CohortFactory(program=program)
    run_tasks()
    mail.outbox.clear()
    from programs.tasks import send_program_notices

    send_program_notices.enqueue()
    run_tasks()
    assert len(mail.outbox) == 1


def test_letters_go_in_the_language_the_person_asked_in(program, run_tasks):
    with translation.override("en"):
        subscription = subscribe(program, language="en")
    run_tasks()
    message = mail.outbox[0]
    assert "Confirm your address" in message.subject
    assert settings.SITE_URL + "/en/programs/notices/" in message.body
    services.confirm_program_subscription(token=subscription.token)
    CohortFactory(program=program)
    services.send_program_notices()
    run_tasks()
    assert "Applications are open" in mail.outbox[1].subject
    assert "/en/programs/notices/" in mail.outbox[1].alternatives[0][0]


# --- Views ----------------------------------------------------------------


def notify_url(program) -> str:
    return reverse("programs:subscribe", kwargs={"slug": program.slug})


def post(client, program, **data):
    data.setdefault("email", "anna@example.org")
    data.setdefault("consent", "on")
    return client.post(notify_url(program), data)


def test_the_form_asks_and_says_to_check_the_mail(client, program, run_tasks):
    html = client.get(program.get_absolute_url()).content.decode()
    assert f'action="{notify_url(program)}#notify"' in html
    assert 'name="consent"' in html
    assert reverse("programs:notice_consent") in html
    response = post(client, program)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "programs:notice_sent", kwargs={"slug": program.slug}
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Проверьте почту" in page.content.decode()
    assert ProgramSubscription.objects.get().email == "anna@example.org"
    run_tasks()
    assert len(mail.outbox) == 1


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(
    client, program
):
    confirmed(program, "known@example.org")
    known = post(client, program, email="known@example.org")
    new = post(client, program, email="new@example.org")
    assert known.status_code == new.status_code == 302
    assert known["Location"] == new["Location"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"consent": ""}, "consent", "Без этого согласия"),
        ({"email": "anna@@example"}, "email", "name@example.ru"),
        ({"email": ""}, "email", "Укажите адрес электронной почты"),
        ({"email": "x" * 300 + "@example.org"}, "email", ""),
        ({"email": "anna\x00@example.org"}, "email", ""),
    ],
    ids=["no-consent", "bad-address", "empty", "too-long", "nul-byte"],
)
def test_bad_input_is_explained_and_the_typed_address_kept(
    client, program, data, field, message
):
    response = post(client, program, **data)
    assert response.status_code == 200
    form = response.context["notice_form"]
    assert field in form.errors
    html = response.content.decode()
    assert message in html
    typed = data.get("email", "anna@example.org")
    if typed and "\x00" not in typed and len(typed) < 254:
        assert f'value="{typed}"' in html
    assert ProgramSubscription.objects.count() == 0
    assert response.context["program"] == program


def test_a_filled_honeypot_is_refused(client, program):
    response = post(client, program, website="http://spam.example")
    assert response.status_code == 200
    assert "Не удалось отправить форму" in response.content.decode()
    assert ProgramSubscription.objects.count() == 0


def test_the_form_for_an_unknown_program_is_404_and_get_goes_to_the_form(
    client, program
):
    assert client.post("/programs/no-such/notify/", {}).status_code == 404
    response = client.get(notify_url(program))
    assert response.status_code == 302
    assert response["Location"] == f"{program.get_absolute_url()}#notify"
    assert client.get("/programs/no-such/notify/sent/").status_code == 404


@pytest.fixture
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_form_is_rate_limited_per_client(client, program, fresh_limits):
    limits = {**settings.RATE_LIMITS, "subscribe": "2/h"}
    with override_settings(RATE_LIMITS=limits):
        for n in range(2):
            assert post(client, program, email=f"a{n}@example.org").status_code == 302
        response = post(client, program, email="a3@example.org")
        assert response.status_code == 429
        assert "Retry-After" in response
        other = client.post(
            notify_url(program),
            {"email": "b@example.org", "consent": "on"},
            REMOTE_ADDR="198.51.100.9",
        )
        assert other.status_code == 302
    assert ProgramSubscription.objects.count() == 3


def test_the_consent_text_is_published(client):
    response = client.get(reverse("programs:notice_consent"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Согласие на обработку адреса электронной почты" in html
    assert "Отписаться" in html
    assert client.get(reverse("programs:notice_consent") + "?version=1").status_code
    assert (
        client.get(reverse("programs:notice_consent") + "?version=x").status_code == 404
    )


def test_confirming_takes_a_press_of_the_button(client, program):
    subscription = subscribe(program)
    url = subscription.get_confirm_url()
    response = client.get(url)
    assert response.status_code == 200
    assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
    assert "noindex" in response["X-Robots-Tag"]
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None  # a mail scanner opening the link
    response = client.post(url)
    assert response.status_code == 200
    assert "Адрес подтверждён" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert client.get("/programs/notices/" + "z" * 43 + "/").status_code == 404
    assert client.post("/programs/notices/" + "z" * 43 + "/").status_code == 404
    assert client.get("/programs/notices/short/").status_code == 404


def test_unsubscribing_from_the_page_deletes_the_address(client, program):
    subscription = confirmed(program)
    url = subscription.get_unsubscribe_url()
    response = client.get(url)
    assert response.status_code == 200
    assert subscription.email in response.content.decode()
    assert ProgramSubscription.objects.exists()  # a GET changes nothing
    response = client.post(url)
    assert response.status_code == 200
    assert "Вы отписались" in response.content.decode()
    assert not ProgramSubscription.objects.exists()
    # The link again: no error, the same answer, nothing to reveal.
    again = client.get(url)
    assert again.status_code == 200
    assert "Вы отписались" in again.content.decode()


def test_one_click_unsubscription_by_a_mail_client_needs_no_csrf_token(program):
    from django.test import Client

    subscription = confirmed(program)
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        subscription.get_unsubscribe_url(),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not ProgramSubscription.objects.exists()


def test_the_program_page_stays_cacheable_and_a_post_only_asks_for_confirmation(
    program,
):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    page = strict.get(program.get_absolute_url())
    # No token and no cookie: a first visit's page can be served to the next.
    assert "csrftoken" not in page.cookies
    assert "csrfmiddlewaretoken" not in page.content.decode()
    response = strict.post(
        notify_url(program), {"email": "a@example.org", "consent": "on"}
    )
    assert response.status_code == 302
    subscription = ProgramSubscription.objects.get()
    assert subscription.confirmed_at is None
