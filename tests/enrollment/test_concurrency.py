"""Seats under concurrency, on PostgreSQL: real threads, each with its own
connection, racing through the same services as the web pages."""

from __future__ import annotations

import contextlib
import datetime
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from enrollment import services
from enrollment.models import Application, ApplicationStatus, StatusChange
from enrollment.seats import count_seats
from enrollment.services.figures import daily_intake_agrees
from programs.models import Cohort
from tests.factories import CohortFactory, submit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


S = ApplicationStatus


def run_in_threads(tasks, *, workers: int) -> list[BaseException]:
    """Run callables at once, each thread with its own connection; return errors."""
    errors: list[BaseException] = []
    start = threading.Event()

    def run(task):
        try:
            start.wait(timeout=30)
            task()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(run, tasks)
        start.set()  # every thread starts from the same line
        list(results)
    return errors


def test_fifty_applicants_at_once_get_exactly_five_seats(postgresql):
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=5)
    tasks = [lambda: submit(cohort) for _ in range(50)]

    errors = run_in_threads(tasks, workers=50)

    assert errors == []
    applications = Application.objects.filter(cohort=cohort)
    assert applications.count() == 50
    assert applications.filter(status=S.OFFERED).count() == 5
    assert applications.filter(status=S.WAITLISTED).count() == 45
    assert count_seats(cohort).held == 5
    # Offers went to the first five; the queue follows submission order.
    by_time = list(applications.order_by("submitted_at", "pk"))
    assert [a.status for a in by_time] == [S.OFFERED] * 5 + [S.WAITLISTED] * 45
    queued = list(
        StatusChange.objects.filter(application__cohort=cohort, to_status=S.WAITLISTED)
        .order_by("pk")
        .values_list("application_id", flat=True)
    )
    assert queued == [a.pk for a in by_time[5:]]
    assert daily_intake_agrees()  # the report's counters, kept change by change


def test_the_same_form_sent_ten_times_at_once_makes_one_application(postgresql):
    import uuid

    from tests.factories import applicant_data

    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=5)
    key, data = uuid.uuid4(), applicant_data()
    results = []
    errors = run_in_threads(
        [
            lambda: results.append(submit(cohort, data=data, key=key).pk)
            for _ in range(10)
        ],
        workers=10,
    )
    assert errors == []
    assert len(set(results)) == 1
    assert Application.objects.filter(cohort=cohort).count() == 1


def test_acceptances_withdrawals_and_expiry_never_overbook(
    postgresql, django_user_model
):
    capacity = 5
    cohort = CohortFactory(
        admission_mode=Cohort.AdmissionMode.REVIEW, capacity=capacity
    )
    staff = services.Actor.staff(django_user_model.objects.create_user("clerk"))
    applications = [submit(cohort) for _ in range(40)]
    rng = random.Random(7)

    def accept(application):
        def task():
            # Withdrawn first: a refusal, not a failure.
            with contextlib.suppress(ValidationError):
                services.accept_application(application=application, actor=staff)

        return task

    def withdraw(application):
        def task():
            with contextlib.suppress(ValidationError):
                services.withdraw_application(
                    application=application, actor=services.Actor.applicant()
                )

        return task

    def lapse():
        # Time passes for a random live offer, then the clock runs.
        Application.objects.filter(
            pk__in=Application.objects.filter(cohort=cohort, status=S.OFFERED)
            .order_by("?")
            .values("pk")[:1]
        ).update(offer_expires_at=timezone.now() - datetime.timedelta(seconds=1))
        services.expire_offers()

    tasks = [accept(a) for a in applications]
    tasks += [withdraw(a) for a in rng.sample(applications, 15)]
    tasks += [lapse for _ in range(10)]
    rng.shuffle(tasks)

    observed: list[int] = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            observed.append(count_seats(cohort).held)
            time.sleep(0.002)
        connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        errors = run_in_threads(tasks, workers=12)
    finally:
        stop.set()
        watcher.join()

    assert errors == []
    assert observed and max(observed) <= capacity
    services.expire_offers()
    taken = count_seats(cohort).held
    assert taken <= capacity
    waiting = Application.objects.filter(cohort=cohort, status=S.WAITLISTED).count()
    # Nobody waits while a seat is free.
    assert waiting == 0 or taken == capacity
    assert daily_intake_agrees()  # the report's counters, kept change by change


def test_two_staff_acting_on_one_application_at_once(postgresql, django_user_model):
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW, capacity=5)
    application = submit(cohort)
    clerks = [
        services.Actor.staff(django_user_model.objects.create_user(f"clerk{i}"))
        for i in range(2)
    ]
    refused: list[ValidationError] = []

    def accept(actor):
        def task():
            try:
                services.accept_application(application=application, actor=actor)
            except ValidationError as error:
                refused.append(error)

        return task

    errors = run_in_threads([accept(clerk) for clerk in clerks], workers=2)

    assert errors == []
    assert len(refused) == 1  # the second one is told, nothing is done twice
    application.refresh_from_db()
    assert application.status == S.OFFERED
    assert application.history.filter(to_status=S.OFFERED).count() == 1


def test_reserved_seats_under_concurrent_applications(postgresql):
    import uuid

    from tests.factories import applicant_data, required_consents

    partner = "7707083893"
    cohort = CohortFactory(admission_mode=Cohort.AdmissionMode.FIRST_COME, capacity=6)
    services.reserve_seats(
        cohort=cohort,
        employer_inn=partner,
        employer_name="АО «ЭСЗ»",
        seats=2,
        release_on=cohort.starts_on,
    )

    def employee():
        services.submit_application(
            cohort_id=cohort.pk,
            data=applicant_data(),
            submission_key=uuid.uuid4(),
            consent_text_ids=required_consents(),
            employer_inn=partner,
        )

    tasks = [lambda: submit(cohort) for _ in range(30)] + [employee for _ in range(10)]
    random.Random(3).shuffle(tasks)

    errors = run_in_threads(tasks, workers=40)

    assert errors == []
    offered = Application.objects.filter(cohort=cohort, status=S.OFFERED)
    assert offered.count() == 6
    # At least the two reserved seats went to the partner's employees; nobody
    # else took them.
    assert offered.filter(employer_inn=partner).count() >= 2
    assert offered.exclude(employer_inn=partner).count() <= 4


def test_fifty_applicants_on_two_streams_get_exactly_their_seats(postgresql):
    """5 seats on the federal project and 3 paid: 25 eligible people race for
    each; each stream fills exactly, the rest wait on their own stream."""
    from programs.models import LearnerCategory
    from tests.factories import applicant_data

    cohort = CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        quotas={"federal": 5, "personal": 3},
    )
    unemployed = LearnerCategory.objects.get(code="unemployed")
    federal = [
        lambda: submit(
            cohort, data=applicant_data(categories=[unemployed]), stream_code="federal"
        )
        for _ in range(25)
    ]
    paid = [lambda: submit(cohort, stream_code="personal") for _ in range(25)]
    tasks = [task for pair in zip(federal, paid, strict=True) for task in pair]

    errors = run_in_threads(tasks, workers=50)

    assert errors == []
    applications = Application.objects.filter(cohort=cohort)
    offered = applications.filter(status=S.OFFERED)
    assert offered.filter(stream__code="federal").count() == 5
    assert offered.filter(stream__code="personal").count() == 3
    assert applications.filter(status=S.WAITLISTED).count() == 42
    seats = count_seats(cohort)
    assert (seats.held, seats.open) == (8, 0)
    # Within each stream the seats went to the first to arrive.
    for code, seats_on in (("federal", 5), ("personal", 3)):
        by_time = list(
            applications.filter(stream__code=code).order_by("submitted_at", "pk")
        )
        statuses = [a.status for a in by_time]
        assert statuses == [S.OFFERED] * seats_on + [S.WAITLISTED] * (25 - seats_on)
    assert daily_intake_agrees()


def test_fifty_contracts_from_ten_threads_are_numbered_without_gaps(
    postgresql, admin_user
):
    from decimal import Decimal

    from enrollment.models import Contract
    from enrollment.services.contract_terms import Party, default_party
    from enrollment.services.contracts import prepare_contract
    from programs.services import update_centre
    from tests.enrollment.test_contracts import CENTRE

    update_centre(user=admin_user, changes=CENTRE)
    cohort = CohortFactory(quotas={"personal": 60})
    cohort.program.price = Decimal("30000")
    cohort.program.save(update_fields=["price"])
    applications = [submit(cohort, stream_code="personal") for _ in range(50)]
    staff = services.Actor.staff(admin_user)

    def contract_for(application):
        party = Party(
            **{
                **default_party(application).__dict__,
                "address": "г. Энск, ул. Мира, д. 5",
                "identity_document": "паспорт 4510 123456",
            }
        )
        return lambda: prepare_contract(
            application=application, actor=staff, party=party
        )

    errors = run_in_threads([contract_for(a) for a in applications], workers=10)

    assert errors == []
    numbers = sorted(Contract.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 51))
    assert Contract.objects.values("application").distinct().count() == 50
