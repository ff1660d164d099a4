import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs.models import DocumentKind, ProgramKind
from tests.factories import CohortFactory, DirectionFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "too_few", "enough"),
    [(ProgramKind.DPO_UPGRADE, 15, 16), (ProgramKind.DPO_RETRAINING, 249, 250)],
)
def test_dpo_hours_minimum_is_a_clear_field_error(kind, too_few, enough):
    program = ProgramFactory.build(
        direction=DirectionFactory(), kind=kind, hours=too_few
    )
    with pytest.raises(ValidationError) as excinfo:
        program.full_clean()
    assert list(excinfo.value.message_dict) == ["hours"]
    assert str(enough) in excinfo.value.message_dict["hours"][0]
    program.hours = enough
    program.full_clean()


@pytest.mark.parametrize(
    ("kind", "hours"),
    [(ProgramKind.DPO_UPGRADE, 15), (ProgramKind.DPO_RETRAINING, 100)],
)
def test_database_refuses_dpo_programs_below_the_minimum(kind, hours):
    program = ProgramFactory()
    program.kind, program.hours = kind, hours
    with pytest.raises(IntegrityError), transaction.atomic():
        program.save()


def test_vocational_training_may_be_short():
    program = ProgramFactory.build(
        direction=DirectionFactory(), kind=ProgramKind.PO_UPGRADE, hours=8
    )
    program.full_clean()


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        (ProgramKind.PO_TRAINING, DocumentKind.WORKER_CERTIFICATE),
        (ProgramKind.PO_RETRAINING, DocumentKind.WORKER_CERTIFICATE),
        (ProgramKind.PO_UPGRADE, DocumentKind.WORKER_CERTIFICATE),
        (ProgramKind.DPO_UPGRADE, DocumentKind.UPGRADE_CERTIFICATE),
        (ProgramKind.DPO_RETRAINING, DocumentKind.RETRAINING_DIPLOMA),
        (ProgramKind.CAREER_GUIDANCE, DocumentKind.PARTICIPATION),
    ],
)
def test_document_issued_follows_from_the_kind(kind, document):
    assert ProgramFactory.build(kind=kind).document_kind == document


def test_negative_price_is_refused_by_the_database():
    program = ProgramFactory()
    program.price = -1
    with pytest.raises(IntegrityError), transaction.atomic():
        program.save()


def test_cohort_cannot_end_before_it_starts():
    cohort = CohortFactory()
    cohort.ends_on = cohort.starts_on.replace(year=cohort.starts_on.year - 1)
    with pytest.raises(ValidationError) as excinfo:
        cohort.full_clean()
    assert "ends_on" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        cohort.save()


def test_one_day_cohort_is_allowed():
    cohort = CohortFactory()
    cohort.ends_on = cohort.starts_on
    cohort.full_clean()
    cohort.save()


@pytest.mark.parametrize("capacity", [0])
def test_cohort_capacity_must_be_positive(capacity):
    cohort = CohortFactory()
    cohort.capacity, cohort.min_size = capacity, 0
    with pytest.raises(ValidationError) as excinfo:
        cohort.full_clean()
    assert "capacity" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        cohort.save()


def test_cohort_minimum_size_cannot_exceed_capacity():
    cohort = CohortFactory()
    cohort.capacity, cohort.min_size = 5, 6
    with pytest.raises(ValidationError) as excinfo:
        cohort.full_clean()
    assert "min_size" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        cohort.save()
