"""Demo applications: many realistic, consistent rows, written in bulk.

``seed_applications(count=N, today=...)`` adds the demo applications number
0..N-1 that are not there yet. Each has a fixed ``submission_key`` (uuid5 of its
number), so a second run adds nothing and ``count=1000`` after ``count=300``
adds the 700 missing ones.

Every number draws from its own generator seeded with the number, and the
applications are made in the order of their numbers. What an application may
be (a seat, a place in the queue) depends on what its cohort already holds;
that is read from the database once and then counted along, so the data depend
only on N and the day: a run with N=1000 gives the same rows as a run with
N=300 followed by one with N=1000 on the same day.

No services and no per-row ``save()``: rows are built in memory and written
with ``bulk_create``, a batch at a time (applicants, applications, their
status history, consents and learner categories). The rules the services keep
hold here as well:

* seats: offered (live or accepted), enrolled and studying applications of a
  cohort never outnumber its capacity; neither do completed and expelled ones
  (who once held a seat); the waiting list exists only where the cohort is full;
* statuses match the cohort's dates: completed only after the end, studying
  only while the group studies, decisions pending only before the start;
  a cancelled cohort has only withdrawn and rejected applications;
* the history of each application is a path through ``TRANSITIONS`` starting
  from submission (plus the "offer accepted" record the services write);
* one active application per person and cohort.

All times are before the start of ``today`` (Moscow time), so the same day
gives the same data whatever the hour of the run.
"""

from __future__ import annotations

import bisect
import datetime
import multiprocessing
import os
import random
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, connections, reset_queries, transaction
from django.utils import timezone

from enrollment.models import (
    ACTIVE_STATUSES,
    ADULT_AGE,
    Applicant,
    Application,
    Completion,
    ConsentRecord,
    ConsentText,
    Relation,
    Sex,
    StatusChange,
    person_key,
    stages_reached,
)
from enrollment.services.figures import rebuild_daily_intake
from programs.models import (
    Cohort,
    LearnerCategory,
)

from .common import (
    HOUR,
    MINUTE,
    NAMESPACE,
    NEEDS_SNILS,
    ONE_DAY,
    SEAT_OR_FINISHED,
    SEED,
    STAFF_USERNAME,
    A,
    C,
    S,
)
from .people import (
    MUNICIPALITIES,
    SURNAMES,
    USER_AGENTS,
    adult_age,
    adult_categories,
    birth_date_at,
    education_for,
    given_names,
    phone_number,
    snils_for,
    surname_form,
    with_stream_category,
)
from .plans import (
    CANCELLED,
    Anchors,
    CohortPlan,
    Step,
    StreamPlan,
    Texts,
    at_moscow,
    cohort_plans,
    load_active_keys,
    pick_status,
    status_path,
    submission_window,
    timeline,
    uniform_time,
)
from .records import completion_for, fill_prior_education


def submission_key(index: int) -> uuid.UUID:
    """The fixed submission key of demo application number ``index``."""
    return uuid.uuid5(NAMESPACE, f"demo-application-{index}")


# --------------------------------------------------------------------------- #
# People
# --------------------------------------------------------------------------- #


# --------------------------------------------------------------------------- #
# Seeding
# --------------------------------------------------------------------------- #


@dataclass
class _Batch:
    applicants: list[Applicant] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    # Per application: (steps, times) and the applicant's category codes.
    histories: list[tuple[list[Step], list[datetime.datetime]]] = field(
        default_factory=list
    )
    categories: list[list[str]] = field(default_factory=list)
    # Per application: its number and cohort, for the document issued.
    finished: list[tuple[int, CohortPlan, str]] = field(default_factory=list)


class _Seeder:
    """Builds and writes the applications of one share of the cohorts."""

    def __init__(
        self,
        today: datetime.date,
        *,
        staff_id: int,
        consent_text_id: int,
        part: int = 0,
        parts: int = 1,
    ) -> None:
        self.today = today
        self.ref = at_moscow(today, 0)
        self.now = timezone.now()
        self.staff_id = staff_id
        self.consent_text_id = consent_text_id
        self.part = part
        self.plans = cohort_plans(today, self.now)
        self.cumulative = list(accumulate(plan.weight for plan in self.plans))
        self.mine = _share_out(self.plans, parts)[part]
        load_active_keys([plan for plan in self.plans if plan.id in self.mine])
        self.categories = LearnerCategory.objects.in_bulk(field_name="code")
        self.texts = Texts()
        self._anchors: dict[int, Anchors] = {}
        self.municipalities, self.municipality_weights = zip(
            *MUNICIPALITIES, strict=True
        )

    def pick(self, index: int) -> tuple[random.Random, CohortPlan]:
        """The generator of application ``index`` and the cohort it goes to."""
        rng = random.Random(SEED * 10_000_019 + index)
        point = rng.random() * self.cumulative[-1]
        return rng, self.plans[bisect.bisect_right(self.cumulative, point)]

    def anchors(self, plan: CohortPlan) -> Anchors:
        cached = self._anchors.get(plan.id)
        if cached is None:
            cached = self._anchors[plan.id] = self._make_anchors(plan)
        return cached

    def _make_anchors(self, plan: CohortPlan) -> Anchors:
        start = at_moscow(plan.starts_on, 9)
        if plan.phase == CANCELLED:
            cancel = at_moscow(plan.deadline + ONE_DAY, 11)
            pre_end = cancel
        else:
            cancel = start
            pre_end = min(start - 12 * HOUR, self.ref - MINUTE)
        return Anchors(
            ref=self.ref,
            start=start,
            end=at_moscow(plan.ends_on, 17),
            deadline_end=min(at_moscow(plan.deadline, 23, 30), self.ref - 2 * HOUR),
            pre_end=pre_end,
            cancel=cancel,
        )

    def build(
        self,
        rng: random.Random,
        plan: CohortPlan,
        index: int,
        skey: uuid.UUID,
        batch: _Batch,
    ) -> None:
        status, overflow = pick_status(rng, plan)
        anchors = self.anchors(plan)
        steps = status_path(rng, plan, status, overflow, anchors, self.texts)
        low, high = submission_window(plan, steps, anchors)
        submitted_at = uniform_time(rng, low, high)
        times = timeline(rng, submitted_at, steps, anchors.pre_end, self.texts)

        seat = status in SEAT_OR_FINISHED
        stream = plan.pick_stream(rng, seat=seat)
        applicant, key, codes = self.person(rng, index, plan, stream, status, steps)
        if seat:
            plan.used += 1
            stream.used += 1

        # The offer fields as the services leave them after this path.
        offer_expires_at = offer_accepted_at = None
        before = S.SUBMITTED
        for step, moment in zip(steps, times, strict=True):
            if step.status == S.OFFERED and before == S.OFFERED:
                offer_accepted_at = moment
            elif step.status == S.OFFERED:
                offer_expires_at = moment + datetime.timedelta(
                    hours=settings.OFFER_VALID_HOURS
                )
                offer_accepted_at = None
            elif before == S.OFFERED and step.status != S.ENROLLED:
                offer_expires_at = offer_accepted_at = None
            before = step.status

        application = Application(
            cohort_id=plan.id,
            stream_id=stream.id,
            applicant=applicant,
            status=status,
            submission_key=skey,
            submitted_at=submitted_at,
            status_changed_at=times[-1] if times else submitted_at,
            offer_expires_at=offer_expires_at,
            offer_accepted_at=offer_accepted_at,
            language="ru",
            email_key=applicant.email.lower(),
            snils_key=applicant.snils,
            person_key=key,
            **stages_reached(step.status for step in steps),
        )
        batch.applicants.append(applicant)
        batch.applications.append(application)
        batch.histories.append((steps, [submitted_at, *times]))
        batch.categories.append(codes)
        batch.finished.append((index, plan, status))

    @staticmethod
    def _age_range(plan: CohortPlan) -> tuple[int, int]:
        if plan.pupils:
            return max(11, plan.min_age), ADULT_AGE - 1
        return max(ADULT_AGE, plan.min_age), 65

    def _birth(
        self, rng: random.Random, plan: CohortPlan, stream: StreamPlan
    ) -> datetime.date:
        low, high = self._age_range(plan)
        low = max(low, stream.min_age or 0)
        high = min(high, stream.max_age if stream.max_age is not None else high)
        age = rng.randint(low, high) if plan.pupils else adult_age(rng, low)
        if age > high:
            age = rng.randint(low, high)
        return birth_date_at(rng, plan.starts_on, age)

    def person(
        self,
        rng: random.Random,
        index: int,
        plan: CohortPlan,
        stream: StreamPlan,
        status: str,
        steps: list[Step],
    ) -> tuple[Applicant, str, list[str]]:
        """The applicant (not saved), their person key and category codes."""
        male_share = 0.62 if plan.pupils else 0.78
        sex = Sex.MALE if rng.random() < male_share else Sex.FEMALE
        family = rng.choice(SURNAMES)
        last = surname_form(family, sex)
        first, patronymic = given_names(rng, sex)
        if rng.random() < 0.02:
            patronymic = ""
        birth_date = self._birth(rng, plan, stream)
        key = person_key(last, first, patronymic, birth_date)
        if status in ACTIVE_STATUSES:
            # One active application per person and cohort: a namesake born
            # on the same day is born on another day instead.
            while key in plan.active_keys:
                birth_date = self._birth(rng, plan, stream)
                key = person_key(last, first, patronymic, birth_date)
            plan.active_keys.add(key)
        age = _age(birth_date, plan.starts_on)
        education = education_for(rng, age, plan.required_education)
        enrolled = any(step.status in NEEDS_SNILS for step in steps)
        snils = snils_for(index) if enrolled or rng.random() < 0.9 else ""
        applicant = Applicant(
            last_name=last,
            first_name=first,
            patronymic=patronymic,
            birth_date=birth_date,
            sex=sex,
            phone=phone_number(rng),
            email=f"demo.{index}@example.org",
            municipality=rng.choices(self.municipalities, self.municipality_weights)[0],
            education_level=education,
            snils=snils,
        )
        if plan.dpo:
            fill_prior_education(rng, applicant)
        if age >= ADULT_AGE:
            codes = adult_categories(rng, plan.program_categories, age, sex, education)
            codes = with_stream_category(
                rng, codes, stream.categories, age, sex, education
            )
            return applicant, key, codes
        # A minor applies with a parent or another legal representative.
        relation = rng.choices(
            (Relation.MOTHER, Relation.FATHER, Relation.GUARDIAN, Relation.OTHER),
            (62, 32, 5, 1),
        )[0]
        parent_sex = Sex.MALE if relation == Relation.FATHER else Sex.FEMALE
        if relation not in (Relation.MOTHER, Relation.FATHER):
            family = rng.choice(SURNAMES)
        parent_first, parent_patronymic = given_names(rng, parent_sex)
        applicant.representative_name = " ".join(
            (surname_form(family, parent_sex), parent_first, parent_patronymic)
        )
        applicant.representative_phone = phone_number(rng)
        applicant.representative_relation = relation
        if rng.random() < 0.6:
            applicant.representative_email = f"demo.{index}.parent@example.org"
        return applicant, key, [C.PUPIL_6_7 if age <= 13 else C.PUPIL_8_11]

    def write(self, batch: _Batch) -> dict[str, int]:
        Applicant.objects.bulk_create(batch.applicants)
        for application in batch.applications:
            application.applicant_id = application.applicant.pk
        Application.objects.bulk_create(batch.applications)
        changes = []
        consents = []
        links = []
        through = Applicant.categories.through
        for application, (steps, times), codes in zip(
            batch.applications, batch.histories, batch.categories, strict=True
        ):
            changes.append(
                StatusChange(
                    application_id=application.pk,
                    from_status="",
                    to_status=S.SUBMITTED,
                    actor_kind=A.APPLICANT,
                    created_at=times[0],
                )
            )
            before = S.SUBMITTED
            for step, moment in zip(steps, times[1:], strict=True):
                changes.append(
                    StatusChange(
                        application_id=application.pk,
                        from_status=before,
                        to_status=step.status,
                        actor_kind=step.actor,
                        actor_id=self.staff_id if step.actor == A.STAFF else None,
                        comment=step.comment,
                        created_at=moment,
                    )
                )
                before = step.status
            consents.append(
                ConsentRecord(
                    applicant_id=application.applicant_id,
                    application_id=application.pk,
                    text_id=self.consent_text_id,
                    given_at=times[0],
                    ip_address=f"192.0.2.{1 + application.pk % 254}",
                    user_agent=USER_AGENTS[application.pk % len(USER_AGENTS)],
                )
            )
            links.extend(
                through(
                    applicant_id=application.applicant_id,
                    learnercategory_id=self.categories[code].pk,
                )
                for code in codes
            )
        StatusChange.objects.bulk_create(changes)
        ConsentRecord.objects.bulk_create(consents)
        through.objects.bulk_create(links)
        documents = [
            completion
            for application, (index, plan, status) in zip(
                batch.applications, batch.finished, strict=True
            )
            if (
                completion := completion_for(
                    index, plan, status, application.pk, self.staff_id
                )
            )
        ]
        Completion.objects.bulk_create(documents)
        return {
            "applicants": len(batch.applicants),
            "applications": len(batch.applications),
            "status_changes": len(changes),
            "consents": len(consents),
            "categories": len(links),
            "documents": len(documents),
        }


def _age(birth_date: datetime.date, day: datetime.date) -> int:
    before = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before


def _share_out(plans: list[CohortPlan], parts: int) -> list[set[int]]:
    """Split the cohorts into ``parts`` shares of about the same weight.

    Applications of different cohorts do not depend on each other, so each
    share can be seeded by its own process and the data stay the same."""
    shares: list[set[int]] = [set() for _ in range(parts)]
    loads = [0.0] * parts
    for plan in sorted(plans, key=lambda p: (-p.weight, p.code)):
        lightest = loads.index(min(loads))
        shares[lightest].add(plan.id)
        loads[lightest] += plan.weight
    return shares


def _seed_part(
    count: int,
    today: datetime.date,
    batch_size: int,
    part: int,
    parts: int,
    staff_id: int,
    consent_text_id: int,
) -> Counter[str]:
    """Seed the applications 0..count-1 that fall into cohort share ``part``."""
    seeder = _Seeder(
        today,
        staff_id=staff_id,
        consent_text_id=consent_text_id,
        part=part,
        parts=parts,
    )
    counts: Counter[str] = Counter()
    for start in range(0, count, batch_size):
        # The numbers in this batch that go to this share's cohorts.
        picked = {}
        for index in range(start, min(start + batch_size, count)):
            rng, plan = seeder.pick(index)
            if plan.id in seeder.mine:
                picked[submission_key(index)] = (index, rng, plan)
        existing = set(
            Application.objects.filter(submission_key__in=list(picked)).values_list(
                "submission_key", flat=True
            )
        )
        counts["existing"] += len(existing)
        batch = _Batch()
        for key, (index, rng, plan) in picked.items():
            if key not in existing:
                seeder.build(rng, plan, index, key, batch)
        if batch.applications:
            with transaction.atomic():
                counts.update(seeder.write(batch))
        # With DEBUG on, Django keeps every query, and a bulk insert is
        # megabytes long: keep memory flat over a million rows.
        reset_queries()
    return counts


def default_workers() -> int:
    """Processes to use: several on PostgreSQL, one on SQLite (one writer)."""
    if connection.vendor != "postgresql":
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def seed_applications(
    *,
    count: int,
    today: datetime.date,
    batch_size: int = 5000,
    workers: int = 1,
) -> dict[str, int]:
    """Add the demo applications 0..count-1 that are missing; return how many
    rows of each kind were created (and how many applications existed).

    With ``workers`` > 1 the cohorts are shared out between that many forked
    processes, each with its own connection; the data are the same. That needs
    committed data (not inside a transaction) and a database that takes
    concurrent writers, so on SQLite or inside ``atomic()`` one process is used.
    """
    consent_text = (
        ConsentText.objects.filter(kind=ConsentText.Kind.PROCESSING)
        .order_by("-version")
        .first()
    )
    if consent_text is None:
        msg = "No consent text for processing: run `manage.py migrate` first."
        raise CommandError(msg)
    if not Cohort.objects.filter(program__is_published=True).exists():
        msg = "No cohorts of published programs: seed the catalog first."
        raise CommandError(msg)
    staff = demo_staff_user()
    if (
        connection.vendor == "sqlite"
        or connection.in_atomic_block
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        workers = 1
    workers = max(1, min(workers, count // batch_size + 1))
    jobs = [
        (count, today, batch_size, part, workers, staff.pk, consent_text.pk)
        for part in range(workers)
    ]
    if workers == 1:
        results = [_seed_part(*jobs[0])]
    else:
        # Each process opens its own connection; none may inherit this one.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = list(pool.map(_seed_part, *zip(*jobs, strict=True)))
    counts: Counter[str] = Counter()
    for result in results:
        counts.update(result)
    if counts["applications"]:
        # Rows written in bulk bypass the services that keep these figures.
        rebuild_daily_intake()
        _vacuum_after_bulk_load()
    return {
        name: counts[name]
        for name in (
            "applicants",
            "applications",
            "status_changes",
            "consents",
            "categories",
            "existing",
        )
    }


BULK_LOADED_TABLES = (
    Applicant,
    Applicant.categories.through,
    Application,
    StatusChange,
    ConsentRecord,
)


def _vacuum_after_bulk_load() -> None:
    """What autovacuum would do later, now: statistics for the planner and the
    visibility map that lets counts read indexes only (PostgreSQL; VACUUM cannot
    run inside a transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table) for model in BULK_LOADED_TABLES
    )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def demo_staff_user():
    """The one staff member the demo history names for staff decisions."""
    staff, created = get_user_model().objects.get_or_create(
        username=STAFF_USERNAME,
        defaults={
            "is_staff": True,
            "first_name": "Приёмная",
            "last_name": "комиссия (демо)",
        },
    )
    if created:
        staff.set_unusable_password()
        staff.save(update_fields=["password"])
    return staff
