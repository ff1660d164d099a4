"""Funding streams: who may use which, on which seats, with which papers; the
service decides whatever a form posts."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from core.dates import age_on
from enrollment import selectors, services
from enrollment.models import Application, ApplicationStatus, StatusChange
from enrollment.seats import annotate_quota_seats, count_seats
from enrollment.services.figures import daily_intake_agrees
from programs import eligibility
from programs.models import (
    Cohort,
    CohortQuota,
    EducationLevel,
    FundingSource,
    LearnerCategory,
    PaperKind,
)
from tests.factories import (
    CohortFactory,
    ProgramFactory,
    applicant_data,
    required_consents,
    stream,
    submit,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus
START = datetime.date(2027, 3, 1)


def category(code: str) -> LearnerCategory:
    return LearnerCategory.objects.get(code=code)


def born(years: int, days: int = 0) -> datetime.date:
    """The birth date of someone who turns ``years`` on START plus ``days``."""
    return START.replace(year=START.year - years) + datetime.timedelta(days=days)


def verdict(code: str, *, birth: datetime.date, categories=(), education="higher"):
    program = ProgramFactory(min_age=16)
    situation = eligibility.Situation(
        birth_date=birth, education_level=education, categories=frozenset(categories)
    )
    return eligibility.check_stream(stream(code), program, START, situation)


@pytest.fixture
def staff(admin_user):
    return services.Actor.staff(admin_user)


@pytest.fixture
def mixed():
    """A first-come group: 2 seats on the federal project, 1 paid."""
    return CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        quotas={"federal": 2, "personal": 1},
    )


def unemployed(**overrides):
    return applicant_data(categories=[category("unemployed")], **overrides)


def apply(cohort, code, data=None, **kwargs):
    return submit(cohort, data=data or unemployed(), stream_code=code, **kwargs)


# --- The rules, at their boundaries ------------------------------------------------


@pytest.mark.parametrize(
    ("days", "eligible"),
    [(0, True), (1, False)],  # 18 on the first day / 18 the day after
)
def test_the_federal_project_counts_18_on_the_first_day(days, eligible):
    result = verdict("federal", birth=born(18, days), categories=["unemployed"])
    assert result.eligible is eligible
    if not eligible:
        assert "18" in result.reasons[0] and "17" in result.reasons[0]


@pytest.mark.parametrize(("days", "eligible"), [(0, True), (1, False)])
def test_fifty_and_over_counts_the_fiftieth_birthday_on_the_first_day(days, eligible):
    result = verdict("federal", birth=born(50, days), categories=["age_50_plus"])
    assert result.eligible is eligible
    if eligible:
        assert result.category.code == "age_50_plus"
        assert result.documents == [PaperKind.PASSPORT]  # the age is in the passport
    else:
        assert "50" in " ".join(result.reasons) and "49" in " ".join(result.reasons)


@pytest.mark.parametrize(
    ("days", "eligible"),
    [(1, True), (0, False)],  # 35 the day after the first day / on it
)
def test_young_people_are_under_35_on_the_first_day(days, eligible):
    result = verdict("federal", birth=born(35, days), categories=["youth"])
    assert result.eligible is eligible


def test_maternity_capital_is_for_learners_no_older_than_25():
    assert verdict("maternity_capital", birth=born(25)).eligible
    older = verdict("maternity_capital", birth=born(26))
    assert not older.eligible and "25" in older.reasons[0]
    assert (
        PaperKind.MATERNITY_CAPITAL
        in verdict("maternity_capital", birth=born(20)).documents
    )


def test_a_birthday_on_29_february_is_reached_on_1_march():
    leap = datetime.date(2008, 2, 29)
    assert age_on(leap, datetime.date(2026, 2, 28)) == 17
    assert age_on(leap, datetime.date(2026, 3, 1)) == 18
    assert age_on(leap, datetime.date(2028, 2, 29)) == 20


def test_a_stream_that_names_categories_says_which_when_none_is_ticked():
    result = verdict("federal", birth=born(30))
    assert not result.eligible
    assert str(category("unemployed")).lower() in result.reasons[0]


def test_the_category_asks_for_its_papers_and_the_cheapest_category_is_used():
    unemployed_only = verdict("federal", birth=born(40), categories=["unemployed"])
    assert unemployed_only.documents == [
        PaperKind.PASSPORT,
        PaperKind.EMPLOYMENT_SERVICE,
    ]
    # Also 50 and over: that category needs no paper of its own.
    both = verdict("federal", birth=born(55), categories=["unemployed", "age_50_plus"])
    assert both.category.code == "age_50_plus"
    assert both.documents == [PaperKind.PASSPORT]


def test_a_stream_may_require_education_and_the_program_its_own():
    federal = stream("federal")
    federal.required_education = EducationLevel.SECONDARY_GENERAL
    federal.save()
    low = verdict(
        "federal", birth=born(30), categories=["unemployed"], education="basic_general"
    )
    assert not low.eligible
    assert "нужно образование не ниже среднего общего" in low.reasons[0]
    program = ProgramFactory(required_education=EducationLevel.SECONDARY_VOCATIONAL)
    result = eligibility.check_stream(
        stream("personal"),
        program,
        START,
        eligibility.Situation(born(30), "secondary_general"),
    )
    assert not result.eligible
    assert PaperKind.EDUCATION in result.documents


def test_the_employer_stream_asks_everyone_for_proof_of_employment():
    result = verdict("employer", birth=born(30), categories=["working_adult"])
    assert result.eligible
    assert PaperKind.EMPLOYMENT in result.documents


def test_pupils_are_not_offered_on_a_program_for_adults():
    adults = ProgramFactory(min_age=18)
    adults.categories.set(LearnerCategory.objects.all())
    codes = {c.code for c in eligibility.offered_categories(adults)}
    assert "pupil_6_7" not in codes
    assert {"unemployed", "age_50_plus", "pupil_8_11"} <= codes
    children = ProgramFactory(min_age=11)
    children.categories.set(LearnerCategory.objects.filter(code="pupil_6_7"))
    assert [c.code for c in eligibility.offered_categories(children)] == ["pupil_6_7"]


# --- The service decides ----------------------------------------------------------------


def test_an_ineligible_applicant_gets_no_application_and_is_told_what_fits(mixed):
    with pytest.raises(ValidationError) as excinfo:
        apply(mixed, "federal", data=applicant_data())  # no category ticked
    message = excinfo.value.message_dict["stream"][0]
    assert str(category("unemployed")).lower() in message
    assert stream("personal").name in message  # the stream that fits instead
    assert not Application.objects.filter(cohort=mixed).exists()


def test_a_stream_the_group_does_not_offer_is_refused(mixed):
    with pytest.raises(ValidationError) as excinfo:
        apply(mixed, "employer")
    assert excinfo.value.error_dict["stream"][0].code == "no_such_stream"


def test_with_several_streams_one_must_be_chosen(mixed):
    with pytest.raises(ValidationError) as excinfo:
        submit(mixed, data=unemployed())
    assert excinfo.value.error_dict["stream"][0].code == "stream_required"


def test_with_one_stream_it_is_taken_without_asking():
    cohort = CohortFactory(quotas={"regional": 3})
    assert submit(cohort).stream.code == "regional"


# --- Seats per stream -------------------------------------------------------------------


def test_each_stream_fills_on_its_own(mixed):
    first, second, third = (apply(mixed, "federal") for _ in range(3))
    assert [a.status for a in (first, second, third)] == [S.OFFERED] * 2 + [
        S.WAITLISTED
    ]
    # The paid seat is open, but the third person did not agree to pay.
    assert count_seats(mixed).on(stream("personal").pk).open == 1
    paying = apply(mixed, "personal", data=applicant_data())
    assert paying.status == S.OFFERED
    seats = count_seats(mixed)
    assert (seats.held, seats.open) == (3, 0)


def test_a_seat_on_another_stream_only_with_consent_and_eligibility(mixed):
    for _ in range(2):
        apply(mixed, "federal")
    agreed = apply(mixed, "federal", accepts_other_streams=True)
    assert agreed.status == S.OFFERED
    assert agreed.stream.code == "personal"
    note = StatusChange.objects.filter(application=agreed, to_status=S.OFFERED).get()
    assert stream("personal").name in note.comment
    assert daily_intake_agrees()


def test_no_seat_on_a_stream_the_person_may_not_use_even_with_consent():
    cohort = CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        quotas={"personal": 1, "maternity_capital": 1},
    )
    apply(cohort, "personal", data=applicant_data())
    thirty = applicant_data(birth_date=born(30))
    waiting = apply(cohort, "personal", data=thirty, accepts_other_streams=True)
    assert waiting.status == S.WAITLISTED  # maternity capital: 25 at most
    young = apply(
        cohort,
        "personal",
        data=applicant_data(birth_date=datetime.date(2005, 1, 1)),
        accepts_other_streams=True,
    )
    assert (young.status, young.stream.code) == (S.OFFERED, "maternity_capital")


def test_a_freed_seat_goes_to_the_first_waiting_on_its_stream(mixed, staff):
    holders = [apply(mixed, "federal") for _ in range(2)]
    paid_waiting = [apply(mixed, "personal", data=applicant_data()) for _ in range(2)]
    federal_waiting = apply(mixed, "federal")
    services.decline_offer(application=holders[0])
    federal_waiting.refresh_from_db()
    paid_waiting[1].refresh_from_db()
    assert federal_waiting.status == S.OFFERED
    assert paid_waiting[1].status == S.WAITLISTED


def test_the_waiting_list_position_counts_the_same_stream(mixed):
    for _ in range(2):
        apply(mixed, "federal")
    apply(mixed, "personal", data=applicant_data())
    paid = apply(mixed, "personal", data=applicant_data())
    federal = apply(mixed, "federal")
    assert selectors.waitlist_position(paid) == 1
    assert selectors.waitlist_position(federal) == 1


def test_sql_and_python_agree_per_stream(mixed):
    for _ in range(3):
        apply(mixed, "federal")
    counted = count_seats(mixed)
    for quota in annotate_quota_seats(CohortQuota.objects.filter(cohort=mixed)):
        on = counted.on(quota.stream_id)
        assert (quota.seats_held, quota.seats_reserved, quota.seats_open) == (
            on.held,
            on.reserved,
            on.open,
        )


# --- Staff change the seats and the streams -----------------------------------------


def test_a_stream_with_applications_cannot_be_removed(mixed, staff):
    apply(mixed, "personal", data=applicant_data())
    federal, personal = stream("federal").pk, stream("personal").pk
    with pytest.raises(ValidationError) as excinfo:
        services.update_cohort(
            cohort=mixed, actor=staff, quotas={federal: 3, personal: 0}, reason="Нет"
        )
    message = excinfo.value.message_dict[services.quota_field(personal)][0]
    assert "1" in message and stream("personal").name in message
    assert CohortQuota.objects.filter(cohort=mixed, stream=personal).exists()


def test_a_stream_below_its_seats_held_is_refused_and_more_seats_are_offered(
    mixed, staff
):
    waiting = [apply(mixed, "federal") for _ in range(4)][2:]
    federal, personal = stream("federal").pk, stream("personal").pk
    with pytest.raises(ValidationError) as excinfo:
        services.update_cohort(
            cohort=mixed, actor=staff, quotas={federal: 1, personal: 1}, reason="x"
        )
    assert services.quota_field(federal) in excinfo.value.error_dict
    services.update_cohort(
        cohort=mixed, actor=staff, quotas={federal: 3, personal: 1}, reason="Зал"
    )
    mixed.refresh_from_db()
    assert mixed.capacity == 4
    statuses = [Application.objects.get(pk=a.pk).status for a in waiting]
    assert statuses == [S.OFFERED, S.WAITLISTED]


def test_a_stream_without_applications_can_be_removed_and_added(mixed, staff):
    federal, employer = stream("federal").pk, stream("employer").pk
    services.update_cohort(
        cohort=mixed, actor=staff, quotas={federal: 2, employer: 3}, reason="Договор"
    )
    assert dict(mixed.quotas.values_list("stream__code", "seats")) == {
        "federal": 2,
        "employer": 3,
    }
    mixed.refresh_from_db()
    assert mixed.capacity == 5


def test_staff_move_an_application_to_a_stream_it_may_use(mixed, staff):
    application = apply(mixed, "federal")
    moved = services.change_stream(
        application=application,
        stream=stream("personal"),
        actor=staff,
        reason="Заявитель решил оплатить сам",
    )
    assert moved.stream.code == "personal"
    record = StatusChange.objects.filter(application=application).latest("pk")
    assert record.actor == staff.user and "оплатить" in record.comment
    assert moved.audit.latest().history_user == staff.user
    assert daily_intake_agrees()


def test_a_move_is_checked_again(mixed, staff):
    application = apply(mixed, "personal", data=applicant_data())
    with pytest.raises(ValidationError) as excinfo:
        services.change_stream(
            application=application, stream=stream("federal"), actor=staff, reason="x"
        )
    assert excinfo.value.error_dict["stream"][0].code == "not_eligible"


def test_a_seat_moves_only_where_one_is_free_and_the_left_seat_goes_on(mixed, staff):
    holder = apply(mixed, "federal")
    apply(mixed, "federal")
    apply(mixed, "personal", data=unemployed())  # the paid seat is taken
    federal_waiting = apply(mixed, "federal")
    with pytest.raises(ValidationError) as excinfo:
        services.change_stream(
            application=holder, stream=stream("personal"), actor=staff, reason="x"
        )
    assert excinfo.value.error_dict["stream"][0].code == "no_free_seats"
    services.update_cohort(
        cohort=mixed,
        actor=staff,
        quotas={stream("federal").pk: 2, stream("personal").pk: 2},
        reason="Ещё место",
    )
    services.change_stream(
        application=holder, stream=stream("personal"), actor=staff, reason="Платит"
    )
    federal_waiting.refresh_from_db()
    assert federal_waiting.status == S.OFFERED  # the federal seat left behind
    assert daily_intake_agrees()


def test_reserved_seats_are_kept_on_their_stream(staff):
    cohort = CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        quotas={"employer": 2, "personal": 1},
    )
    reservation = services.reserve_seats(
        cohort=cohort,
        employer_inn="7707083893",
        employer_name="АО «Завод»",
        seats=2,
        release_on=cohort.starts_on,
    )
    assert reservation.stream.code == "employer"
    worker = applicant_data(categories=[category("working_adult")])
    stranger = submit(cohort, data=worker, stream_code="employer")
    assert stranger.status == S.WAITLISTED  # both employer seats are kept
    employee = services.submit_application(
        cohort_id=cohort.pk,
        data=applicant_data(categories=[category("partner_employee")]),
        submission_key=uuid.uuid4(),
        consent_text_ids=required_consents(),
        employer_inn="7707083893",
        stream_id=stream("employer").pk,
    )
    assert employee.status == S.OFFERED
    on = count_seats(cohort).on(stream("employer").pk)
    assert (on.held, on.reserved, on.open) == (1, 1, 0)


def test_every_stream_has_a_name_a_payer_and_the_register_funding():
    values = {s.code: s.register_funding for s in FundingSource.objects.all()}
    assert values == {
        "federal": "Федеральный бюджет",
        "regional": "Региональный бюджет",
        "employer": "Платное обучение",
        "personal": "Платное обучение",
        "maternity_capital": "Платное обучение",
    }
