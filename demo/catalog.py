"""The demo catalog of an industry ЦОПП (machine-building).

The catalog itself (directions, venues, schedules and 37 programs) is data:
``demo/data/catalog.json``. ``seed_catalog`` writes it through the models'
validation, with the cohorts of each program. Cohort dates are offsets from
today drawn from generators seeded per program, so the data is the same for a
given day, and a second run on the same day creates and changes nothing. A
run on a later day keeps every row (codes do not depend on dates) and moves
the cohorts' dates along with today.
"""

from __future__ import annotations

import datetime
import functools
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import CommandError
from django.db import models

from programs.models import (
    CategoryCode,
    Cohort,
    CohortQuota,
    Direction,
    EducationLevel,
    FundingCode,
    FundingSource,
    LearnerCategory,
    Program,
    ProgramKind,
    StudyForm,
    Venue,
)

CATALOG_FILE = Path(__file__).resolve().parent / "data" / "catalog.json"
SEED = 2026
ONE_DAY = datetime.timedelta(days=1)

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Schedule:
    text: str
    hours_per_day: int  # academic hours on one study day
    weekdays: tuple[int, ...]  # study days, Monday is 0


@dataclass(frozen=True)
class ProgramSpec:
    """One program and the plan of its cohorts.

    ``cohorts`` lists the intakes in chronological order, one letter each:
    P past, X past but cancelled, C current, L future with the group already
    formed (closed), F future and open for applications.
    """

    slug: str
    code: str  # prefix of the cohort codes
    direction: str  # a Direction slug
    kind: ProgramKind
    title: str
    summary: str
    description: tuple[str, ...]
    outcomes: tuple[str, ...]
    hours: int
    funding: tuple[FundingCode, ...]
    categories: tuple[CategoryCode, ...]
    schedule: str  # a key of the schedules
    venues: tuple[str, ...]  # keys of the venues, used in turn by the cohorts
    cohorts: str
    qualification: str = ""
    price: int = 0
    min_age: int = 18
    education: EducationLevel = EducationLevel.NONE
    study_form: StudyForm = StudyForm.FULL_TIME
    distance: bool = False
    published: bool = True


@dataclass(frozen=True)
class Catalog:
    directions: tuple[dict[str, str], ...]
    venues: dict[str, dict[str, str]]
    schedules: dict[str, Schedule]
    closing_paragraphs: dict[str, str]
    programs: tuple[ProgramSpec, ...]


@functools.cache
def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    """Read the catalog's data file into specs (the choices checked as they load)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    programs = []
    for row in data["programs"]:
        spec = dict(row)
        spec["kind"] = ProgramKind(spec["kind"])
        spec["funding"] = tuple(FundingCode(code) for code in spec["funding"])
        spec["categories"] = tuple(CategoryCode(code) for code in spec["categories"])
        spec["education"] = EducationLevel(spec.get("education", EducationLevel.NONE))
        spec["study_form"] = StudyForm(spec.get("study_form", StudyForm.FULL_TIME))
        for name in ("description", "outcomes", "venues"):
            spec[name] = tuple(spec[name])
        programs.append(ProgramSpec(**spec))
    return Catalog(
        directions=tuple(data["directions"]),
        venues=data["venues"],
        schedules={
            key: Schedule(s["text"], s["hours_per_day"], tuple(s["weekdays"]))
            for key, s in data["schedules"].items()
        },
        closing_paragraphs=data["closing_paragraphs"],
        programs=tuple(programs),
    )


# Windows (days from today) in which the first, second, third open intake starts.
FUTURE_WINDOWS = ((14, 45), (50, 110), (115, 170))
# A closed future intake starts soon: its group has already been formed.
SOON_WINDOW = (2, 7)
STATUS_BY_SLOT = {
    "P": Cohort.Status.CLOSED,
    "X": Cohort.Status.CANCELLED,
    "C": Cohort.Status.CLOSED,
    "L": Cohort.Status.CLOSED,
    "F": Cohort.Status.OPEN,
}


# Public holidays (month, day): no classes, and the New Year break is long.
HOLIDAYS = frozenset(
    [(1, day) for day in range(1, 9)]
    + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4), (12, 31)]
)


def _is_study_day(day: datetime.date, weekdays: tuple[int, ...]) -> bool:
    return day.weekday() in weekdays and (day.month, day.day) not in HOLIDAYS


def _next_study_day(day: datetime.date, weekdays: tuple[int, ...]) -> datetime.date:
    while not _is_study_day(day, weekdays):
        day += ONE_DAY
    return day


def _previous_study_day(day: datetime.date, weekdays: tuple[int, ...]) -> datetime.date:
    while not _is_study_day(day, weekdays):
        day -= ONE_DAY
    return day


def _last_study_day(
    start: datetime.date, study_days: int, weekdays: tuple[int, ...]
) -> datetime.date:
    day, left = start, study_days - 1
    while left > 0:
        day += ONE_DAY
        if _is_study_day(day, weekdays):
            left -= 1
    return day


def _cohort_rows(spec: ProgramSpec, today: datetime.date) -> list[dict[str, Any]]:
    """The field values of a program's cohorts, in the order of ``spec.cohorts``.

    Every random draw is an offset from ``today`` and comes from a generator
    seeded with the program's slug, so the result depends only on the day.
    """
    rng = random.Random(f"{SEED}:{spec.slug}")
    schedule = load_catalog().schedules[spec.schedule]
    weekdays = schedule.weekdays
    study_days = -(-spec.hours // schedule.hours_per_day)  # rounded up

    def ends(start: datetime.date) -> datetime.date:
        return _last_study_day(start, study_days, weekdays)

    starts: dict[int, datetime.date] = {}
    # Past intakes, from the latest back: each ends before the next one starts.
    cursor = today - datetime.timedelta(days=rng.randint(5, 40))
    past = [i for i, slot in enumerate(spec.cohorts) if slot in "PX"]
    for index in reversed(past):
        start = _previous_study_day(cursor - (ends(cursor) - cursor), weekdays)
        while ends(start) > cursor:
            start = _previous_study_day(start - ONE_DAY, weekdays)
        starts[index] = start
        cursor = start - datetime.timedelta(days=rng.randint(14, 75))
    windows = iter(FUTURE_WINDOWS)
    for index, slot in enumerate(spec.cohorts):
        if slot == "C":
            ago = rng.randint(1, max(1, (ends(today) - today).days // 3))
            start = _previous_study_day(today - datetime.timedelta(days=ago), weekdays)
            if ends(start) < today:
                msg = f"{spec.slug}: too short for a current cohort"
                raise ValueError(msg)
            starts[index] = start
        elif slot in "FL":
            low, high = SOON_WINDOW if slot == "L" else next(windows)
            day = today + datetime.timedelta(days=rng.randint(low, high))
            starts[index] = _next_study_day(day, weekdays)

    free = spec.price == 0
    rows = []
    for index, slot in enumerate(spec.cohorts):
        start = starts[index]
        if spec.kind == ProgramKind.CAREER_GUIDANCE:
            capacity = rng.randint(10, 15)
        else:
            capacity = rng.randint(8, 25)
        if spec.kind == ProgramKind.CAREER_GUIDANCE or not free:
            # Pupils and paying learners are enrolled in the order they apply;
            # free places need a check that the applicant is eligible.
            admission = Cohort.AdmissionMode.FIRST_COME
        else:
            admission = Cohort.AdmissionMode.REVIEW
        rows.append(
            {
                "code": f"{spec.code}-{index + 1:02d}",
                "starts_on": start,
                "ends_on": ends(start),
                "application_deadline": start
                - datetime.timedelta(days=rng.randint(3, 7)),
                "capacity": capacity,
                "min_size": rng.randint(3, 8),
                "venue": spec.venues[index % len(spec.venues)],
                "schedule": schedule.text,
                "admission_mode": admission,
                "status": STATUS_BY_SLOT[slot],
            }
        )
    return rows


# --------------------------------------------------------------------------- #
# Writing rows
# --------------------------------------------------------------------------- #


def _upsert(
    model: type[M], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[M, str]:
    """Create or update the row matching ``lookup``; return it and what happened.

    Like ``update_or_create`` but it validates the row and writes only when a
    value differs, so that a rerun leaves the rows (and their ``auto_now``
    timestamps) untouched. The outcome is "created", "updated" or "unchanged".
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        outcome = "created"
    else:
        changed = {
            name: value for name, value in values.items() if getattr(obj, name) != value
        }
        if not changed:
            return obj, "unchanged"
        for name, value in changed.items():
            setattr(obj, name, value)
        outcome = "updated"
    obj.full_clean()
    obj.save()
    return obj, outcome


RANK = re.compile(r"^(?P<profession>.+?),\s*(?P<rank>[1-8])\s*разряд$")
# The area of professional activity and the enlarged group of specialties of
# the further education programs, by direction.
DPO_REGISTER = {
    "automation": (
        "Сквозные виды профессиональной деятельности в промышленности",
        "Управление в технических системах",
    ),
    "mechatronics": (
        "Сквозные виды профессиональной деятельности в промышленности",
        "Управление в технических системах",
    ),
    "metrology": (
        "Сквозные виды профессиональной деятельности в промышленности",
        "Управление в технических системах",
    ),
}
DPO_DEFAULT = ("Производство машин и оборудования", "Машиностроение")


def _register_fields(spec: ProgramSpec) -> dict[str, str]:
    """What ФИС ФРДО asks of a program: the profession and rank of a worker
    (vocational training), the area and the group of specialties (further
    education)."""
    if spec.kind in (ProgramKind.DPO_UPGRADE, ProgramKind.DPO_RETRAINING):
        area, group = DPO_REGISTER.get(spec.direction, DPO_DEFAULT)
        return {"professional_area": area, "specialty_group": group}
    if spec.kind == ProgramKind.CAREER_GUIDANCE or not spec.qualification:
        return {}
    match = RANK.match(spec.qualification)
    if match is None:
        return {"profession": spec.qualification, "qualification_rank": "Нет"}
    return {"profession": match["profession"], "qualification_rank": match["rank"]}


# How a cohort's seats are shared among its program's streams (before
# rounding): most seats go to the budget, some are paid.
STREAM_SHARES = {
    FundingCode.FEDERAL: 0.7,
    FundingCode.REGIONAL: 0.7,
    FundingCode.EMPLOYER: 0.35,
    FundingCode.PERSONAL: 0.3,
    FundingCode.MATERNITY_CAPITAL: 0.1,
}


def quota_mix(codes: tuple[str, ...], capacity: int) -> dict[str, int]:
    """Seats per stream code summing to ``capacity``, each stream at least one
    seat (the largest shares first when seats are fewer than streams)."""
    codes = tuple(sorted(codes, key=lambda c: -STREAM_SHARES[c]))[:capacity]
    total = sum(STREAM_SHARES[c] for c in codes)
    exact = {c: capacity * STREAM_SHARES[c] / total for c in codes}
    seats = {c: max(1, int(exact[c])) for c in codes}
    for code in sorted(codes, key=lambda c: exact[c] - int(exact[c]), reverse=True):
        if sum(seats.values()) >= capacity:
            break
        seats[code] += 1
    while sum(seats.values()) > capacity:
        largest = max(seats, key=lambda c: seats[c])
        seats[largest] -= 1
    return seats


def _ensure_quotas(
    cohort: Cohort, spec: ProgramSpec, funding: dict[str, FundingSource]
) -> bool:
    """Give a cohort its seats by stream once (a rerun leaves them); return
    whether anything was written."""
    current = dict(cohort.quotas.values_list("stream__code", "seats"))
    if current and sum(current.values()) == cohort.capacity:
        return False
    cohort.quotas.all().delete()
    for code, seats in quota_mix(spec.funding, cohort.capacity).items():
        CohortQuota.objects.create(cohort=cohort, stream=funding[code], seats=seats)
    return True


def _description(spec: ProgramSpec) -> str:
    return "\n\n".join(
        (*spec.description, load_catalog().closing_paragraphs[spec.kind])
    )


def seed_catalog(*, today: datetime.date) -> dict[str, Counter[str]]:
    """Create or update the demo catalog; return per model how many rows were
    created, updated and left unchanged."""
    funding = FundingSource.objects.in_bulk(field_name="code")
    categories = LearnerCategory.objects.in_bulk(field_name="code")
    if len(funding) < len(FundingCode) or len(categories) < len(CategoryCode):
        msg = "Reference rows are missing: run `manage.py migrate` first."
        raise CommandError(msg)

    catalog = load_catalog()
    counts: dict[str, Counter[str]] = {
        name: Counter() for name in ("directions", "venues", "programs", "cohorts")
    }

    directions: dict[str, Direction] = {}
    for position, data in enumerate(catalog.directions, start=1):
        direction, outcome = _upsert(
            Direction,
            {"slug": data["slug"]},
            {
                "name": data["name"],
                "description": data["description"],
                "position": position * 10,
            },
        )
        directions[direction.slug] = direction
        counts["directions"][outcome] += 1

    venues: dict[str, Venue] = {}
    for key, data in catalog.venues.items():
        venue, outcome = _upsert(
            Venue,
            {"name": data["name"], "address": data["address"]},
            {"kind": data["kind"], "description": data["description"]},
        )
        venues[key] = venue
        counts["venues"][outcome] += 1

    for spec in catalog.programs:
        program, outcome = _upsert(
            Program,
            {"slug": spec.slug},
            {
                "direction": directions[spec.direction],
                "title": spec.title,
                "kind": spec.kind,
                "study_form": spec.study_form,
                "uses_distance_learning": spec.distance,
                "hours": spec.hours,
                "price": Decimal(spec.price),
                "min_age": spec.min_age,
                "required_education": spec.education,
                "qualification": spec.qualification,
                **_register_fields(spec),
                "summary": spec.summary,
                "description": _description(spec),
                "outcomes": "\n".join(spec.outcomes),
                "is_published": spec.published,
            },
        )
        program.funding_sources.set([funding[code] for code in spec.funding])
        program.categories.set([categories[code] for code in spec.categories])
        counts["programs"][outcome] += 1

        for row in _cohort_rows(spec, today):
            code = row.pop("code")
            row["program"] = program
            row["venue"] = venues[row["venue"]]
            cohort, outcome = _upsert(Cohort, {"code": code}, row)
            if _ensure_quotas(cohort, spec, funding) and outcome == "unchanged":
                outcome = "updated"
            counts["cohorts"][outcome] += 1

    return counts
