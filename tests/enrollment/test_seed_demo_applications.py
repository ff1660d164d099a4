"""Demo applications: consistent with the rules, the dates and the seats; safe to rerun."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from core.identifiers import validate_snils
from demo.applications import seed_applications, submission_key
from demo.catalog import seed_catalog
from demo.checks import check_demo_data
from enrollment.models import (
    ADULT_AGE,
    TRANSITIONS,
    Applicant,
    Application,
    ApplicationStatus,
    Completion,
    ConsentRecord,
    ConsentText,
    StatusChange,
)
from enrollment.seats import count_seats
from programs.models import Cohort, EducationLevel, ProgramKind

pytestmark = pytest.mark.django_db
S = ApplicationStatus
EDUCATION_ORDER = list(EducationLevel.values)
SEAT_HOLDING_PATH = {S.ENROLLED, S.STUDYING, S.COMPLETED, S.EXPELLED}


def seed_demo(applications: int) -> str:
    out = StringIO()
    call_command("seed_demo", applications=applications, stdout=out)
    return out.getvalue()


def assert_history_follows_transitions() -> None:
    history = defaultdict(list)
    for change in StatusChange.objects.order_by("created_at", "pk"):
        history[change.application_id].append(change)
    applications = Application.objects.all()
    assert set(history) == {a.pk for a in applications}
    for application in applications:
        rows = history[application.pk]
        first = rows[0]
        assert (first.from_status, first.to_status) == ("", S.SUBMITTED)
        assert first.actor_kind == StatusChange.ActorKind.APPLICANT
        assert first.created_at == application.submitted_at
        for before, after in itertools.pairwise(rows):
            assert after.from_status == before.to_status, application.pk
            assert after.created_at > before.created_at, application.pk
            accepted = (
                after.from_status == after.to_status == S.OFFERED
                and after.actor_kind == StatusChange.ActorKind.APPLICANT
            )  # accept_offer records the acceptance so; the status stays
            assert accepted or after.to_status in TRANSITIONS[after.from_status], (
                f"{application.pk}: {after.from_status} -> {after.to_status}"
            )
            if after.actor_kind == StatusChange.ActorKind.STAFF:
                assert after.actor_id is not None
        assert rows[-1].to_status == application.status
        assert rows[-1].created_at == application.status_changed_at
        assert rows[-1].created_at < timezone.now()


def assert_seats_and_dates_are_consistent() -> None:
    today = timezone.localdate()
    now = timezone.now()
    for cohort in Cohort.objects.select_related("program"):
        statuses = list(cohort.applications.values_list("status", flat=True))
        taken = count_seats(cohort, now=now).held
        assert taken <= cohort.capacity, cohort.code
        finished = statuses.count(S.COMPLETED) + statuses.count(S.EXPELLED)
        assert finished + taken <= cohort.capacity, cohort.code
        if S.WAITLISTED in statuses:
            assert taken == cohort.capacity, cohort.code
        if cohort.status == Cohort.Status.CANCELLED:
            assert set(statuses) <= {S.WITHDRAWN, S.REJECTED}, cohort.code
        elif cohort.ends_on < today:
            assert set(statuses) <= {
                S.COMPLETED,
                S.EXPELLED,
                S.WITHDRAWN,
                S.REJECTED,
            }, cohort.code
        elif cohort.starts_on < today:
            assert set(statuses) <= {S.STUDYING, S.EXPELLED, S.WITHDRAWN}, cohort.code
        else:
            assert not set(statuses) & {S.STUDYING, S.COMPLETED, S.EXPELLED}
        if statuses:
            assert cohort.program.is_published, cohort.code
    for application in Application.objects.select_related("cohort"):
        cohort = application.cohort
        deadline = timezone.make_aware(
            datetime.datetime.combine(
                cohort.application_deadline + datetime.timedelta(days=1),
                datetime.time(),
            )
        )
        assert application.submitted_at < deadline
        assert application.status_changed_at >= application.submitted_at
        if application.status == S.OFFERED:
            assert application.offer_expires_at > now
        if application.status == S.COMPLETED:
            assert cohort.ends_on < today


def assert_people_fit_their_programs() -> None:
    text = ConsentText.objects.filter(kind="processing").order_by("-version").first()
    for application in Application.objects.select_related(
        "applicant", "cohort__program"
    ).prefetch_related("applicant__categories"):
        person = application.applicant
        program = application.cohort.program
        age = person.age_on(application.cohort.starts_on)
        assert age >= program.min_age
        if program.kind == ProgramKind.CAREER_GUIDANCE:
            assert 11 <= age < ADULT_AGE
        else:
            assert ADULT_AGE <= age <= 65
        if age < ADULT_AGE:
            assert person.representative_name
            assert person.representative_phone
            assert person.representative_relation
        assert EDUCATION_ORDER.index(person.education_level) >= EDUCATION_ORDER.index(
            program.required_education
        )
        assert 1 <= person.categories.count() <= 3
        assert str(person.phone).startswith("+79")
        assert len(str(person.phone)) == 12
        if person.snils:
            validate_snils(person.snils)
        path = set(application.history.values_list("to_status", flat=True))
        if path & SEAT_HOLDING_PATH:
            assert person.snils, "enrolment needs a СНИЛС"
        assert application.email_key == person.email.lower()
        assert application.snils_key == person.snils
        assert application.language == "ru"
        consents = list(application.consents.all())
        assert len(consents) == 1
        assert consents[0].text == text
        assert consents[0].applicant_id == person.pk
        assert consents[0].ip_address.startswith("192.0.2.")
        assert consents[0].user_agent
    # Women's surnames and patronymics take the female form.
    for person in Applicant.objects.filter(sex="female"):
        assert person.last_name.endswith(("а", "ая", "ко", "ук")), person.last_name
        if person.patronymic:
            assert person.patronymic.endswith(("на", "чна")), person.patronymic


def test_demo_applications_are_consistent_and_added_once():
    output = seed_demo(200)

    assert Application.objects.count() == 200
    assert Applicant.objects.count() == 200
    assert ConsentRecord.objects.count() == 200
    assert "created 200" in output
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {S.COMPLETED, S.STUDYING, S.ENROLLED, S.WITHDRAWN} <= statuses
    assert_history_follows_transitions()
    assert_seats_and_dates_are_consistent()
    assert_people_fit_their_programs()

    counts = (Application.objects.count(), StatusChange.objects.count())
    output = seed_demo(200)
    assert (Application.objects.count(), StatusChange.objects.count()) == counts
    assert "created 0 " in output

    seed_demo(250)
    assert Application.objects.count() == 250
    assert (
        Application.objects.filter(
            submission_key__in=[submission_key(i) for i in range(250)]
        ).count()
        == 250
    )
    assert_history_follows_transitions()
    assert_seats_and_dates_are_consistent()


def test_full_cohorts_get_a_waiting_list():
    today = timezone.localdate()
    seed_catalog(today=today)
    # Few seats: the popular intakes fill up even with a few applications.
    Cohort.objects.update(capacity=2, min_size=1)

    seed_applications(count=300, today=today)

    waiting = Application.objects.filter(status=S.WAITLISTED)
    assert waiting.exists()
    assert Application.objects.filter(status=S.COMPLETED).exists()
    assert_seats_and_dates_are_consistent()
    assert_history_follows_transitions()


def snapshot() -> list[tuple]:
    """The demo data without database ids, tokens and creation stamps."""
    rows = []
    for application in Application.objects.select_related(
        "applicant", "cohort"
    ).order_by("submission_key"):
        person = application.applicant
        rows.append(
            (
                application.submission_key,
                application.cohort.code,
                application.status,
                application.submitted_at,
                application.status_changed_at,
                application.offer_expires_at,
                application.offer_accepted_at,
                application.person_key,
                person.sex,
                str(person.phone),
                person.snils,
                person.municipality,
                person.education_level,
                person.prior_document_number,
                application.stream.code,
                getattr(
                    getattr(application, "completion", None), "registration_number", ""
                ),
                person.representative_name,
                tuple(sorted(person.categories.values_list("code", flat=True))),
                tuple(
                    application.history.order_by("created_at").values_list(
                        "from_status",
                        "to_status",
                        "actor_kind",
                        "comment",
                        "created_at",
                    )
                ),
            )
        )
    return rows


def delete_demo_applications() -> None:
    Completion.objects.all().delete()
    Application.objects.all().delete()
    Applicant.objects.all().delete()


def test_the_same_count_on_the_same_day_gives_the_same_data():
    today = timezone.localdate()
    seed_catalog(today=today)
    seed_applications(count=120, today=today, batch_size=50)
    first = snapshot()
    delete_demo_applications()

    # In two runs, and in other batches: the same rows.
    seed_applications(count=45, today=today, batch_size=7)
    seed_applications(count=120, today=today, batch_size=1000)

    assert snapshot() == first


def test_the_bulk_loader_agrees_with_the_services():
    """The demo is written without the services; read back with their own
    definitions (seats, queues, transitions, daily figures), nothing breaks."""
    today = timezone.localdate()
    output = seed_demo(400)
    assert "checked: seats, queues, histories and daily figures agree" in output
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    assert check_demo_data(now=midnight) == []
    # The check does catch broken rules.
    application = Application.objects.filter(status=S.COMPLETED).first()
    StatusChange.objects.create(
        application=application,
        from_status=S.COMPLETED,
        to_status=S.OFFERED,
        actor_kind=StatusChange.ActorKind.SYSTEM,
        created_at=midnight,
    )
    assert check_demo_data(now=midnight) == [
        "a history goes from “completed” to “offered”"
    ]


def test_demo_learners_may_use_their_stream_and_have_their_documents():
    from enrollment import selectors
    from enrollment.seats import held_q

    today = timezone.localdate()
    seed_catalog(today=today)
    seed_applications(count=300, today=today)
    holders = Application.objects.filter(
        held_q(timezone.now()) | Q(status__in=(S.COMPLETED, S.EXPELLED))
    ).select_related("applicant", "cohort__program", "stream")
    assert holders.exists()
    for application in holders:
        verdict = selectors.stream_verdict(application)
        assert verdict.eligible, (application.stream.code, verdict.reasons)
    completed = Application.objects.filter(status=S.COMPLETED)
    assert completed.exists()
    assert not completed.filter(completion__isnull=True).exists()
    streams = set(Application.objects.values_list("stream__code", flat=True))
    assert {"federal", "personal"} <= streams


def test_the_demo_has_contracts_at_each_step_payments_and_a_draft_order():
    from enrollment.models import Contract, Order, Payment
    from enrollment.papers import sha256

    output = seed_demo(300)
    states = set(Contract.objects.values_list("state", flat=True))
    assert {"prepared", "sent", "signed", "checked"} <= states
    for contract in Contract.objects.all():
        with contract.pdf.open("rb") as f:
            assert sha256(f.read()) == contract.sha256
    assert Payment.objects.exists()
    order = Order.objects.get()
    assert (order.kind, order.state) == (Order.Kind.ENROLMENT, Order.State.DRAFT)
    assert order.lines.exists()
    assert "draft orders: 1" in output
    seed_demo(300)  # once only
    assert Order.objects.count() == 1
