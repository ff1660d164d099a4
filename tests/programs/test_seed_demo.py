"""The demo data command: enough realistic rows, all valid, safe to rerun."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from demo.catalog import seed_catalog
from programs.models import (
    MIN_HOURS_DPO_RETRAINING,
    MIN_HOURS_DPO_UPGRADE,
    Cohort,
    Direction,
    Program,
    ProgramKind,
    Venue,
)

pytestmark = pytest.mark.django_db


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """The number of rows of every model, M2M tables included; the audit trail
    (historical models) is left out, since moved dates are rightly recorded."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.model_name.startswith("historical")
    }


def catalog_snapshot() -> list[Any]:
    return [
        list(Direction.objects.order_by("pk").values()),
        list(Venue.objects.order_by("pk").values()),
        list(Program.objects.order_by("pk").values()),
        list(Program.funding_sources.through.objects.order_by("pk").values()),
        list(Program.categories.through.objects.order_by("pk").values()),
        list(Cohort.objects.order_by("pk").values()),
    ]


def test_creates_enough_demo_data():
    output = seed_demo()

    assert Direction.objects.count() >= 6
    assert Program.objects.count() >= 30
    assert Cohort.objects.count() >= 60
    assert Venue.objects.filter(kind=Venue.Kind.OWN).exists()
    assert Venue.objects.filter(kind=Venue.Kind.PARTNER).exists()
    assert "programs" in output


def test_every_kind_of_program_is_published():
    seed_demo()

    published = Program.objects.published()
    assert set(published.values_list("kind", flat=True)) == set(ProgramKind.values)
    assert Program.objects.filter(is_published=False).exists()
    pupils = published.filter(kind=ProgramKind.CAREER_GUIDANCE, min_age__lte=12)
    assert pupils.count() >= 3


def test_cohorts_are_in_the_past_present_and_future():
    seed_demo()
    today = timezone.localdate()

    assert Cohort.objects.filter(ends_on__lt=today).exists()
    assert Cohort.objects.filter(starts_on__lte=today, ends_on__gte=today).exists()
    assert Cohort.objects.filter(starts_on__gt=today).exists()
    assert Cohort.objects.filter(status=Cohort.Status.CANCELLED).exists()
    assert not Cohort.objects.filter(
        ends_on__lt=today, status=Cohort.Status.OPEN
    ).exists()


def test_every_published_program_accepts_applications():
    seed_demo()
    today = timezone.localdate()

    for program in Program.objects.published():
        upcoming = program.cohorts.open_for_applications(today).filter(
            starts_on__gt=today, starts_on__lte=today + datetime.timedelta(days=180)
        )
        assert upcoming.exists(), program.slug


def test_every_row_passes_model_validation():
    seed_demo()

    for model in (Direction, Venue, Program, Cohort):
        for obj in model.objects.all():
            obj.full_clean()
    for program in Program.objects.prefetch_related("funding_sources"):
        assert program.funding_sources.exists(), program.slug
        assert len(program.summary) <= 300
        assert 3 <= len(program.outcome_list()) <= 5, program.slug
        free_funding = all(source.is_free for source in program.funding_sources.all())
        assert program.is_free == free_funding, program.slug


def test_hours_follow_the_law_and_the_centre_practice():
    seed_demo()

    for program in Program.objects.all():
        if program.kind == ProgramKind.DPO_UPGRADE:
            assert MIN_HOURS_DPO_UPGRADE <= program.hours <= 144, program.slug
        elif program.kind == ProgramKind.DPO_RETRAINING:
            assert MIN_HOURS_DPO_RETRAINING <= program.hours <= 520, program.slug
        elif program.kind != ProgramKind.CAREER_GUIDANCE:
            assert 80 <= program.hours <= 480, program.slug


def test_a_second_run_creates_and_changes_nothing():
    seed_demo()
    counts, snapshot = row_counts(), catalog_snapshot()

    output = seed_demo()

    assert row_counts() == counts
    assert catalog_snapshot() == snapshot
    assert "created 0, updated 0" in output


def test_the_data_depends_only_on_the_day():
    day = datetime.date(2026, 3, 2)
    seed_catalog(today=day)
    counts, snapshot = row_counts(), catalog_snapshot()

    rerun = seed_catalog(today=day)

    assert all(
        counter["created"] == counter["updated"] == 0 for counter in rerun.values()
    )
    assert catalog_snapshot() == snapshot

    # A later day moves the cohorts' dates but adds no rows.
    later = seed_catalog(today=day + datetime.timedelta(days=45))
    assert later["cohorts"]["created"] == 0
    assert row_counts() == counts
