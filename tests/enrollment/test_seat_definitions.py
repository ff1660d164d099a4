"""One meaning of seats: every place that shows them agrees, on the same cohorts.

The places: the engine's count (Python, under the lock), the SQL annotation,
the catalog's (through the programs app), the program page, the admin's list
of groups, the admin home's groups at risk, and the managers' report.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollment import reports as enrollment_reports
from enrollment import selectors, services
from enrollment.models import Application, SeatReservation
from enrollment.seats import annotate_seats, count_seats
from programs import selectors as catalog
from programs.models import Cohort
from tests.factories import CohortFactory, ProgramFactory, applicant_data, submit

pytestmark = pytest.mark.django_db
PARTNER = "7707083893"


def employee(cohort, **overrides):
    return services.submit_application(
        cohort_id=cohort.pk,
        data=applicant_data(**overrides),
        submission_key=uuid.uuid4(),
        consent_text_ids=[t.pk for t in selectors.current_consent_texts()],
        employer_inn=PARTNER,
    )


@pytest.fixture
def cohorts(admin_user):
    """Groups in every state that seats can be in."""
    program = ProgramFactory(slug="seats")
    soon = timezone.localdate() + datetime.timedelta(days=7)
    make = lambda **kw: CohortFactory(  # noqa: E731
        program=program,
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        starts_on=soon,
        application_deadline=soon,
        **kw,
    )
    staff = services.Actor.staff(admin_user)
    built = {}

    built["empty"] = make(capacity=5, min_size=3)

    # 5 seats reserved for a partner, nobody holds one: 0 held, 5 reserved.
    reserved = make(capacity=8, min_size=2)
    services.reserve_seats(
        cohort=reserved,
        employer_inn=PARTNER,
        employer_name="АО «Завод»",
        seats=5,
        release_on=soon,
    )
    built["reserved, unused"] = reserved

    # A reservation partly used, others holding general seats, a queue.
    mixed = make(capacity=4, min_size=2)
    services.reserve_seats(
        cohort=mixed,
        employer_inn=PARTNER,
        employer_name="АО «Завод»",
        seats=2,
        release_on=soon,
    )
    employee(mixed)
    for _ in range(4):
        submit(mixed)
    built["reserved, partly used, full, a queue"] = mixed

    # Offers: one expired (no longer held), one accepted, one enrolled.
    offers = make(capacity=6, min_size=1)
    expired, accepted, enrolled = (
        submit(offers, snils="112-233-445 95" if i == 2 else "") for i in range(3)
    )
    services.accept_offer(application=accepted)
    services.enrol(application=enrolled, actor=staff)
    Application.objects.filter(pk=expired.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    built["an expired, an accepted and an enrolled offer"] = offers

    # A reservation whose release day has come: its seats are everyone's.
    released = make(capacity=3, min_size=3)
    SeatReservation.objects.create(
        cohort=released,
        stream=released.quotas.get().stream,
        employer_inn=PARTNER,
        employer_name="АО «Завод»",
        seats=2,
        release_on=timezone.localdate(),
    )
    submit(released)
    built["a reservation released today"] = released
    return built


def test_every_place_that_shows_seats_agrees(client, admin_user, cohorts):
    now = timezone.now()
    today = timezone.localdate()
    ids = [c.pk for c in cohorts.values()]
    in_sql = {c.pk: c for c in annotate_seats(Cohort.objects.filter(pk__in=ids))}
    in_catalog = {
        c.pk: c for c in catalog.annotate_seats(Cohort.objects.filter(pk__in=ids))
    }
    fill = {
        cohort.pk: (held, at_risk)
        for cohort, held, _waiting, at_risk in enrollment_reports.cohort_fill(
            Cohort.objects.filter(pk__in=ids), today=today, now=now
        )
    }
    at_risk_home = set(
        selectors.cohorts_at_risk(today=today).values_list("pk", flat=True)
    )
    client.force_login(admin_user)
    admin_rows = {
        c.pk: c
        for c in client.get(reverse("admin:programs_cohort_changelist"))
        .context["cl"]
        .result_list
    }
    page = client.get(reverse("programs:detail", args=["seats"])).context["page"]
    on_page = {g.cohort.pk: g.cohort.seats_open for g in page.groups}

    table = {}
    for name, cohort in cohorts.items():
        seats = count_seats(cohort, now=now)
        expected = (seats.held, seats.reserved, seats.open)
        places = {
            "sql": (
                in_sql[cohort.pk].seats_held,
                in_sql[cohort.pk].seats_reserved,
                in_sql[cohort.pk].seats_open,
            ),
            "catalog": (
                in_catalog[cohort.pk].seats_held,
                in_catalog[cohort.pk].seats_reserved,
                in_catalog[cohort.pk].seats_open,
            ),
            "admin list": (
                admin_rows[cohort.pk].seats_held,
                admin_rows[cohort.pk].seats_reserved,
                admin_rows[cohort.pk].seats_open,
            ),
        }
        risky = selectors.is_at_risk(cohort, seats.held, today)
        table[name] = {
            "engine": expected,
            **places,
            "program page, open": on_page.get(cohort.pk),
            "report, held": fill[cohort.pk][0],
            "at risk: rule, report, admin home": (
                risky,
                fill[cohort.pk][1],
                cohort.pk in at_risk_home,
            ),
        }
        assert all(value == expected for value in places.values()), table[name]
        assert table[name]["program page, open"] == seats.open, table[name]
        assert table[name]["report, held"] == seats.held, table[name]
        assert len(set(table[name]["at risk: rule, report, admin home"])) == 1

    # The cases mean what they say.
    assert table["reserved, unused"]["engine"] == (0, 5, 3)
    assert table["reserved, unused"]["at risk: rule, report, admin home"][0]
    assert table["reserved, partly used, full, a queue"]["engine"] == (3, 1, 0)
    assert table["an expired, an accepted and an enrolled offer"]["engine"] == (
        2,
        0,
        4,
    )
    assert table["a reservation released today"]["engine"] == (1, 0, 2)
