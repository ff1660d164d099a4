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
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from phonenumber_field.phonenumber import PhoneNumber

from core.identifiers import snils_check_digits
from enrollment.models import (
    ACTIVE_STATUSES,
    ADULT_AGE,
    Applicant,
    Application,
    ApplicationStatus,
    ConsentRecord,
    ConsentText,
    Relation,
    Sex,
    StatusChange,
    person_key,
    stages_reached,
)
from enrollment.seats import held_q
from enrollment.services.figures import rebuild_daily_intake
from programs.models import (
    CategoryCode,
    Cohort,
    EducationLevel,
    LearnerCategory,
    ProgramKind,
)

SEED = 2026
NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5e7f-9c0d-1a2b3c4d5e6f")
STAFF_USERNAME = "demo-intake"

S = ApplicationStatus
A = StatusChange.ActorKind
E = EducationLevel
C = CategoryCode
EDUCATION_ORDER = list(EducationLevel.values)
# Seat holders now, and those who held a seat to the end of their studies.
SEAT_OR_FINISHED = (S.OFFERED, S.ENROLLED, S.STUDYING, S.COMPLETED, S.EXPELLED)
# Paths through these statuses need a СНИЛС (the services enrol only with one).
NEEDS_SNILS = (S.ENROLLED, S.STUDYING, S.COMPLETED, S.EXPELLED)

ONE_DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


def submission_key(index: int) -> uuid.UUID:
    """The fixed submission key of demo application number ``index``."""
    return uuid.uuid5(NAMESPACE, f"demo-application-{index}")


# --------------------------------------------------------------------------- #
# People
# --------------------------------------------------------------------------- #


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Male forms; the female form is made by _female_surname.
SURNAMES = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков "
    "Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов "
    "Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв "
    "Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов "
    "Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин "
    "Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов "
    "Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов "
    "Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов "
    "Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов "
    "Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков "
    "Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев "
    "Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов "
    "Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов "
    "Гришин Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев "
    "Акимов Кондратьев Бирюков Горбунов Анисимов Ерёмин Тихомиров Галкин "
    "Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев "
    "Харитонов Князев Цветков Левин Воронцов Аксёнов Мальцев Логинов Горшков "
    "Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов Плотников Дёмин "
    "Хохлов Жданов Руденко Шевченко Бондаренко Коваленко Ковальчук Полищук "
    "Островский Вишневский Высоцкий Заболоцкий"
)

MALE_NAMES = _words(
    "Александр Алексей Анатолий Андрей Антон Артём Артур Богдан Борис Вадим "
    "Валентин Валерий Василий Виктор Виталий Владимир Владислав Вячеслав "
    "Геннадий Георгий Глеб Григорий Даниил Денис Дмитрий Евгений Егор Иван "
    "Игорь Илья Кирилл Константин Лев Леонид Макар Максим Марк Матвей Михаил "
    "Никита Николай Олег Павел Пётр Роман Руслан Семён Сергей Станислав Степан "
    "Тимофей Тимур Фёдор Филипп Юрий Ярослав"
)

FEMALE_NAMES = _words(
    "Александра Алина Алла Анастасия Анна Валентина Валерия Вера Виктория "
    "Галина Дарья Диана Евгения Екатерина Елена Елизавета Ирина Карина Кристина "
    "Ксения Лариса Любовь Людмила Маргарита Марина Мария Надежда Наталья Нина "
    "Оксана Ольга Полина Светлана Софья Татьяна Ульяна Юлия Яна"
)

# (male, female) forms of a patronymic.
PATRONYMICS = tuple(
    tuple(pair.split("/"))
    for pair in _words(
        "Александрович/Александровна Алексеевич/Алексеевна Анатольевич/Анатольевна "
        "Андреевич/Андреевна Антонович/Антоновна Артёмович/Артёмовна "
        "Борисович/Борисовна Вадимович/Вадимовна Валерьевич/Валерьевна "
        "Васильевич/Васильевна Викторович/Викторовна Витальевич/Витальевна "
        "Владимирович/Владимировна Вячеславович/Вячеславовна "
        "Геннадьевич/Геннадьевна Георгиевич/Георгиевна Григорьевич/Григорьевна "
        "Денисович/Денисовна Дмитриевич/Дмитриевна Евгеньевич/Евгеньевна "
        "Егорович/Егоровна Иванович/Ивановна Игоревич/Игоревна Ильич/Ильинична "
        "Константинович/Константиновна Леонидович/Леонидовна "
        "Максимович/Максимовна Михайлович/Михайловна Никитич/Никитична "
        "Николаевич/Николаевна Олегович/Олеговна Павлович/Павловна "
        "Петрович/Петровна Романович/Романовна Русланович/Руслановна "
        "Сергеевич/Сергеевна Станиславович/Станиславовна Степанович/Степановна "
        "Фёдорович/Фёдоровна Юрьевич/Юрьевна"
    )
)

MUNICIPALITIES = (
    ("г. Энск", 40),
    ("Энский район", 12),
    ("г. Заречный", 10),
    ("г. Новоэнск", 8),
    ("Заречный район", 6),
    ("г. Приволжск", 6),
    ("Лесной район", 5),
    ("пгт Северный", 5),
    ("Покровский район", 4),
    ("г. Каменск", 4),
)

USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/124.0.0.0 YaBrowser/24.6.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A525F) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (Linux; Android 12; Redmi Note 11) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/125.0.0.0 YaBrowser/24.4.5.0 Mobile Safari/537.36",
)

REJECTION_REASONS = (
    "Не подтверждена принадлежность к категории граждан, которые могут учиться "
    "бесплатно.",
    "Документ об образовании не соответствует требованиям программы.",
    "Документы не представлены в установленный срок.",
    "Заявитель не вышел на связь по указанному телефону и адресу почты.",
    "По результатам собеседования рекомендована другая программа центра.",
)
GROUP_FULL_REASON = "Набор в группу завершён: свободных мест не осталось."
GROUP_STARTED_COMMENT = "Обучение в группе началось, место не освободилось."
CANCELLED_REASON = (
    "Набор в группу отменён: не набралось минимальное число слушателей. "
    "Приглашаем подать заявку в следующую группу."
)
EXPULSION_REASONS = (
    "По собственному желанию слушателя.",
    "Пропуск более половины занятий без уважительной причины.",
    "Не выполнены условия договора об оплате обучения.",
    "Не пройдена промежуточная аттестация.",
    "В связи с переездом в другой регион.",
)


def _female_surname(male: str) -> str:
    if male.endswith(("ский", "цкий")):
        return male[:-2] + "ая"
    if male.endswith(("ов", "ёв", "ев", "ин", "ын")):
        return male + "а"
    return male  # Руденко, Ковальчук: the same for both


def _surname_form(male: str, sex: str) -> str:
    return male if sex == Sex.MALE else _female_surname(male)


def _given_names(rng: random.Random, sex: str) -> tuple[str, str]:
    male = sex == Sex.MALE
    first = rng.choice(MALE_NAMES if male else FEMALE_NAMES)
    return first, rng.choice(PATRONYMICS)[0 if male else 1]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _birth_date(rng: random.Random, on: datetime.date, age: int) -> datetime.date:
    """A day of birth such that the person is ``age`` years old ``on`` that day."""
    latest = _years_before(on, age)
    earliest = _years_before(on, age + 1) + ONE_DAY
    return earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))


def _adult_age(rng: random.Random, low: int) -> int:
    # Most learners are 20 to 45; a tail up to 65.
    age = round(rng.triangular(ADULT_AGE, 66, 30))
    return min(max(age, low), 65)


def _snils(index: int) -> str:
    """A valid СНИЛС that no other demo number gets (i -> a*i+b mod 9e8 is 1:1)."""
    first_nine = 100_000_000 + (index * 7_919_113 + 12_345_677) % 900_000_000
    digits = str(first_nine)
    return digits + snils_check_digits(digits)


# Mobile codes 9XX; some +7 930 0.. ranges are not assigned, so 930 is left out
# and every number passes the phone field's own check.
MOBILE_CODES = tuple(code for code in range(900, 1000) if code != 930)


def _phone(rng: random.Random) -> PhoneNumber:
    """A Russian mobile number +79XXXXXXXXX, built rather than parsed (faster)."""
    national = rng.choice(MOBILE_CODES) * 10**7 + rng.randrange(10**7)
    return PhoneNumber(
        country_code=7, national_number=national, raw_input=f"+7{national}"
    )


def _education(rng: random.Random, age: int, required: str) -> str:
    if age < ADULT_AGE:
        level = E.NONE if age < 16 else E.BASIC_GENERAL
    else:
        options = [(E.BASIC_GENERAL, 4), (E.SECONDARY_GENERAL, 22)]
        if age <= 24:
            options.append((E.STUDYING_PROFESSIONAL, 30 if age <= 21 else 12))
        if age >= 19:
            options.append((E.SECONDARY_VOCATIONAL, 38))
        if age >= 22:
            options.append((E.HIGHER, 24))
        floor = EDUCATION_ORDER.index(required)
        allowed = [
            (lvl, w) for lvl, w in options if EDUCATION_ORDER.index(lvl) >= floor
        ]
        if not allowed:  # too young for the required level: has it, just early
            return required
        levels, weights = zip(*allowed, strict=True)
        level = rng.choices(levels, weights)[0]
    return level


EMPLOYED = (C.WORKING_ADULT, C.PARTNER_EMPLOYEE, C.DISMISSAL_RISK, C.CHILDCARE_LEAVE)
NOT_WORKING = (C.UNEMPLOYED, C.NON_WORKING_MOTHER)


def _fits(code: str, age: int, sex: str, education: str) -> bool:
    """Can a person of this age, sex and education belong to this category?"""
    if code == C.AGE_50_PLUS:
        return age >= 50
    if code == C.YOUTH:
        return age < 35
    if code == C.CHILDCARE_LEAVE:
        return 20 <= age <= 45
    if code == C.NON_WORKING_MOTHER:
        return sex == Sex.FEMALE and 20 <= age <= 45
    if code == C.STUDENT:
        return education == E.STUDYING_PROFESSIONAL
    return code not in (C.PUPIL_6_7, C.PUPIL_8_11)


def _conflicts(code: str, chosen: list[str]) -> bool:
    if code in EMPLOYED:
        return any(c in NOT_WORKING for c in chosen)
    if code in NOT_WORKING:
        return any(c in EMPLOYED or c in NOT_WORKING for c in chosen)
    return False


# Categories an adult may add to the first one, with how often.
EXTRA_CATEGORIES = (
    (C.WORKING_ADULT, 30),
    (C.YOUTH, 30),
    (C.AGE_50_PLUS, 30),
    (C.UNEMPLOYED, 8),
    (C.PARTNER_EMPLOYEE, 8),
    (C.DISMISSAL_RISK, 4),
    (C.SVO, 3),
    (C.DISABILITY, 2),
    (C.STUDENT, 20),
    (C.CHILDCARE_LEAVE, 2),
    (C.NON_WORKING_MOTHER, 2),
)


def _adult_categories(
    rng: random.Random, program_codes: tuple[str, ...], age: int, sex: str, edu: str
) -> list[str]:
    """One to three categories, the first one the program is meant for."""
    eligible = [c for c in program_codes if _fits(c, age, sex, edu)]
    if eligible:
        chosen = [rng.choice(eligible)]
    elif edu == E.STUDYING_PROFESSIONAL:
        chosen = [C.STUDENT]
    else:
        chosen = [C.WORKING_ADULT if rng.random() < 0.7 else C.UNEMPLOYED]
    wanted = rng.choices((1, 2, 3), (45, 40, 15))[0]
    extras = [
        (code, weight)
        for code, weight in EXTRA_CATEGORIES
        if _fits(code, age, sex, edu)
    ]
    for _attempt in range(6):
        if len(chosen) >= wanted:
            break
        code = rng.choices(*zip(*extras, strict=True))[0]
        if code not in chosen and not _conflicts(code, chosen):
            chosen.append(code)
    return chosen


# --------------------------------------------------------------------------- #
# Cohorts
# --------------------------------------------------------------------------- #

CANCELLED, PAST, CURRENT, FUTURE = "cancelled", "past", "current", "future"


@dataclass
class _CohortPlan:
    """What the seeding needs of one cohort, and what it holds so far."""

    id: int
    code: str
    capacity: int
    starts_on: datetime.date
    ends_on: datetime.date
    deadline: datetime.date
    phase: str
    first_come: bool
    closed: bool  # a future cohort that no longer takes applications
    takes_recent: bool  # applications of the last two days are possible
    pupils: bool
    min_age: int
    required_education: str
    program_categories: tuple[str, ...]
    weight: float
    used: int = 0  # seats held now + completed + expelled
    active_keys: set[str] = field(default_factory=set)

    @property
    def full(self) -> bool:
        return self.used >= self.capacity


def _phase(cohort: Cohort, today: datetime.date) -> str:
    if cohort.status == Cohort.Status.CANCELLED:
        return CANCELLED
    if cohort.ends_on < today:
        return PAST
    if cohort.starts_on < today:
        return CURRENT
    return FUTURE


def _demand(program_slug: str, kind: str, is_free: bool) -> float:
    """How popular a program is: free training and career guidance draw most."""
    rng = random.Random(f"{SEED}:demand:{program_slug}")
    base = 1.4 if kind == ProgramKind.CAREER_GUIDANCE else (1.6 if is_free else 0.7)
    return base * rng.lognormvariate(0, 0.45)


def _plans(today: datetime.date, now: datetime.datetime) -> list[_CohortPlan]:
    cohorts = (
        Cohort.objects.filter(program__is_published=True)
        .select_related("program")
        .prefetch_related("program__categories")
        .order_by("code")
    )
    used = dict(
        Application.objects.filter(
            held_q(now) | Q(status__in=(S.COMPLETED, S.EXPELLED))
        )
        .order_by()
        .values_list("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )
    plans = []
    for cohort in cohorts:
        program = cohort.program
        phase = _phase(cohort, today)
        if phase == FUTURE:
            # Later intakes have been open for a shorter time.
            days_left = (cohort.application_deadline - today).days
            timing = min(1.0, max(0.25, 1 - days_left / 180))
        elif phase == CANCELLED:
            timing = 0.3  # cancelled for want of applicants
        else:
            timing = 1.0
        plans.append(
            _CohortPlan(
                id=cohort.pk,
                code=cohort.code,
                capacity=cohort.capacity,
                starts_on=cohort.starts_on,
                ends_on=cohort.ends_on,
                deadline=cohort.application_deadline,
                phase=phase,
                first_come=cohort.admission_mode == Cohort.AdmissionMode.FIRST_COME,
                closed=phase == FUTURE and not cohort.accepts_applications(today),
                takes_recent=cohort.application_deadline >= today - ONE_DAY,
                pupils=program.kind == ProgramKind.CAREER_GUIDANCE,
                min_age=program.min_age,
                required_education=program.required_education,
                program_categories=tuple(c.code for c in program.categories.all()),
                weight=cohort.capacity
                * _demand(program.slug, program.kind, program.is_free)
                * timing,
                used=used.get(cohort.pk, 0),
            )
        )
    return plans


def _load_active_keys(plans: list[_CohortPlan]) -> None:
    """Who already holds an active application in these cohorts."""
    by_id = {plan.id: plan for plan in plans}
    active = Application.objects.filter(
        status__in=ACTIVE_STATUSES, cohort_id__in=list(by_id)
    ).values_list("cohort_id", "person_key")
    for cohort_id, key in active.iterator(chunk_size=20_000):
        by_id[cohort_id].active_keys.add(key)


# --------------------------------------------------------------------------- #
# Statuses and their history
# --------------------------------------------------------------------------- #

# How a step is timed (besides a fixed datetime).
SOON = "soon"  # seconds after the step before: the system acting at once
GAP = "gap"  # hours or days later, before the next fixed time
OFFER_GAP = "offer_gap"  # like GAP, and while the offer is still valid
EXPIRE = "expire"  # the moment the offer runs out


@dataclass
class _Step:
    status: str
    actor: str
    comment: str = ""
    when: object = GAP


@dataclass
class _Anchors:
    """Fixed moments of one cohort, and the bounds of a path's times."""

    ref: datetime.datetime  # the start of today: every event is before it
    start: datetime.datetime
    end: datetime.datetime
    deadline_end: datetime.datetime
    pre_end: datetime.datetime  # decisions before the start happen before this
    cancel: datetime.datetime


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute))
    )


def _uniform_time(
    rng: random.Random, low: datetime.datetime, high: datetime.datetime
) -> datetime.datetime:
    if high <= low:
        return low
    seconds = (high - low).total_seconds()
    return low + datetime.timedelta(seconds=int(rng.uniform(0, seconds)))


class _Texts:
    """Comments as the services write them, in Russian."""

    def __init__(self) -> None:
        with translation.override("ru"):
            self.expired = gettext("The offer expired without an answer.")
            self.accepted = gettext("The applicant accepted the offer.")
            self.declined = gettext("The applicant declined the offer.")


def _pick_status(rng: random.Random, plan: _CohortPlan) -> tuple[str, bool]:
    """The final status of the next application of ``plan``, and whether it
    wanted a seat that was no longer free."""
    if plan.phase == CANCELLED:
        return rng.choices((S.WITHDRAWN, S.REJECTED), (45, 55))[0], False
    if plan.phase == PAST:
        status = rng.choices(
            (S.COMPLETED, S.EXPELLED, S.WITHDRAWN, S.REJECTED), (74, 7, 10, 9)
        )[0]
        if status in (S.COMPLETED, S.EXPELLED) and plan.full:
            return rng.choice((S.WITHDRAWN, S.REJECTED)), True
        return status, False
    if plan.phase == CURRENT:
        status = rng.choices((S.STUDYING, S.EXPELLED, S.WITHDRAWN), (80, 5, 15))[0]
        if status != S.WITHDRAWN and plan.full:
            return S.WITHDRAWN, True
        return status, False
    # A future cohort.
    seat = "seat"
    if plan.first_come:
        options, weights = (seat, S.REJECTED, S.WITHDRAWN), (80, 6, 14)
    elif plan.closed:
        options = (S.IN_REVIEW, seat, S.REJECTED, S.WITHDRAWN)
        weights = (4, 74, 11, 11)
    else:
        options = (S.SUBMITTED, S.IN_REVIEW, seat, S.REJECTED, S.WITHDRAWN)
        weights = (16, 14, 50, 9, 11)
    status = rng.choices(options, weights)[0]
    if status != seat:
        return status, False
    if plan.full:
        return S.WAITLISTED, True
    # An open offer is at most a few days old; a first-come offer is made on
    # submission, so it is open only if the application is that recent.
    offered_share = 0.45 if not plan.first_come else 0.25
    if plan.closed:
        offered_share = 0.15
    if plan.first_come and not plan.takes_recent:
        offered_share = 0
    return (S.OFFERED if rng.random() < offered_share else S.ENROLLED), False


def _admit(rng: random.Random, plan: _CohortPlan, to: str, when: object) -> list[_Step]:
    """Steps from submission to an offer or a place in the queue."""
    if plan.first_come:
        return [_Step(to, A.SYSTEM, when=SOON)]
    steps = []
    if rng.random() < 0.8:
        steps.append(_Step(S.IN_REVIEW, A.STAFF))
    steps.append(_Step(to, A.STAFF, when=when))
    return steps


def _enrol(
    rng: random.Random, plan: _CohortPlan, texts: _Texts, accept_share: float = 0.5
) -> list[_Step]:
    steps = _admit(rng, plan, S.OFFERED, GAP)
    if rng.random() < accept_share:
        steps.append(_Step(S.OFFERED, A.APPLICANT, texts.accepted, OFFER_GAP))
    steps.append(_Step(S.ENROLLED, A.STAFF, when=OFFER_GAP))
    return steps


def _path(
    rng: random.Random,
    plan: _CohortPlan,
    status: str,
    overflow: bool,
    anchors: _Anchors,
    texts: _Texts,
) -> list[_Step]:
    """The steps after submission that lead to ``status``."""
    if status == S.SUBMITTED:
        return []
    if status == S.IN_REVIEW:
        return [_Step(S.IN_REVIEW, A.STAFF)]
    if status == S.WAITLISTED:
        return _admit(rng, plan, S.WAITLISTED, GAP)
    if status == S.OFFERED:
        recent = _uniform_time(
            rng, _recent_offers_since(anchors.ref), anchors.ref - 20 * MINUTE
        )
        steps = _admit(rng, plan, S.OFFERED, recent)
        if rng.random() < 0.35:
            steps.append(_Step(S.OFFERED, A.APPLICANT, texts.accepted, OFFER_GAP))
        return steps
    if status == S.ENROLLED:
        return _enrol(rng, plan, texts)
    if status == S.STUDYING:
        return [
            *_enrol(rng, plan, texts),
            _Step(S.STUDYING, A.STAFF, when=anchors.start),
        ]
    if status == S.COMPLETED:
        return [
            *_enrol(rng, plan, texts),
            _Step(S.STUDYING, A.STAFF, when=anchors.start),
            _Step(S.COMPLETED, A.STAFF, when=anchors.end),
        ]
    if status == S.EXPELLED:
        during = _uniform_time(
            rng, anchors.start + HOUR, min(anchors.end - HOUR, anchors.ref - MINUTE)
        )
        return [
            *_enrol(rng, plan, texts),
            _Step(S.STUDYING, A.STAFF, when=anchors.start),
            _Step(S.EXPELLED, A.STAFF, rng.choice(EXPULSION_REASONS), during),
        ]
    if plan.phase == CANCELLED:
        return _cancelled_path(rng, plan, status, anchors, texts)
    if overflow:
        # Wanted a seat when none was free: waited, then the group was formed.
        steps = _admit(rng, plan, S.WAITLISTED, GAP)
        if status == S.REJECTED:
            return [*steps, _Step(S.REJECTED, A.STAFF, GROUP_FULL_REASON)]
        if plan.phase == FUTURE or rng.random() < 0.6:
            return [*steps, _Step(S.WITHDRAWN, A.APPLICANT)]
        # Still waiting when the group started: staff close the application.
        started = anchors.start + 2 * HOUR
        return [*steps, _Step(S.WITHDRAWN, A.STAFF, GROUP_STARTED_COMMENT, started)]
    if status == S.REJECTED:
        reason = rng.choice(REJECTION_REASONS)
        if plan.first_come:
            return [
                _Step(S.OFFERED, A.SYSTEM, when=SOON),
                _Step(S.REJECTED, A.STAFF, reason, OFFER_GAP),
            ]
        steps = [_Step(S.IN_REVIEW, A.STAFF)] if rng.random() < 0.75 else []
        return [*steps, _Step(S.REJECTED, A.STAFF, reason)]
    # Withdrawn by the applicant, or an offer left unanswered.
    if plan.first_come:
        variant = rng.choices(("declined", "expired", "enrolled"), (50, 35, 15))[0]
    else:
        variant = rng.choices(
            ("submitted", "in_review", "declined", "expired", "enrolled"),
            (40, 15, 20, 15, 10),
        )[0]
    if variant == "submitted":
        return [_Step(S.WITHDRAWN, A.APPLICANT)]
    if variant == "in_review":
        return [_Step(S.IN_REVIEW, A.STAFF), _Step(S.WITHDRAWN, A.APPLICANT)]
    if variant == "enrolled":
        return [*_enrol(rng, plan, texts), _Step(S.WITHDRAWN, A.APPLICANT)]
    steps = _admit(rng, plan, S.OFFERED, GAP)
    if variant == "declined":
        return [*steps, _Step(S.WITHDRAWN, A.APPLICANT, texts.declined, OFFER_GAP)]
    return [*steps, _Step(S.WITHDRAWN, A.SYSTEM, texts.expired, EXPIRE)]


def _cancelled_path(
    rng: random.Random,
    plan: _CohortPlan,
    status: str,
    anchors: _Anchors,
    texts: _Texts,
) -> list[_Step]:
    if status == S.REJECTED:
        if plan.first_come:
            steps = [_Step(S.OFFERED, A.SYSTEM, when=SOON)]
        elif rng.random() < 0.7:
            steps = [_Step(S.IN_REVIEW, A.STAFF)]
        else:
            steps = []
        return [*steps, _Step(S.REJECTED, A.STAFF, CANCELLED_REASON, anchors.cancel)]
    if plan.first_come:
        if rng.random() < 0.5:
            return [
                _Step(S.OFFERED, A.SYSTEM, when=SOON),
                _Step(S.WITHDRAWN, A.APPLICANT, texts.declined, OFFER_GAP),
            ]
        return [
            *_enrol(rng, plan, texts),
            _Step(S.WITHDRAWN, A.STAFF, CANCELLED_REASON, anchors.cancel),
        ]
    return [_Step(S.WITHDRAWN, A.APPLICANT)]


def _recent_offers_since(ref: datetime.datetime) -> datetime.datetime:
    """Offers made after this moment are still open on the whole of today."""
    return ref - datetime.timedelta(hours=max(settings.OFFER_VALID_HOURS - 30, 1))


def _submission_window(
    plan: _CohortPlan, steps: list[_Step], anchors: _Anchors
) -> tuple[datetime.datetime, datetime.datetime]:
    """When the application may have been sent so that its path fits."""
    high = min(anchors.deadline_end, anchors.pre_end - 2 * HOUR)
    for index, step in enumerate(steps):
        if isinstance(step.when, datetime.datetime):
            high = min(high, step.when - (index + 1) * 10 * MINUTE)
            break
    low = _at(plan.deadline - datetime.timedelta(days=75), 8)
    if low >= high - HOUR:  # an intake far ahead: open for a month so far
        low = high - datetime.timedelta(days=30)
    # An offer made on submission (first come, first served) ...
    if steps and steps[0].status == S.OFFERED and steps[0].when == SOON:
        after = [s for s in steps[1:] if s.status != S.OFFERED]
        if not after:
            # ... still open now: the application is recent.
            low = max(low, _recent_offers_since(anchors.ref))
        elif isinstance(after[0].when, datetime.datetime):
            # ... still open at the fixed moment of the next step.
            valid = datetime.timedelta(hours=settings.OFFER_VALID_HOURS - 4)
            low = max(low, after[0].when - valid)
    return low, high


def _timeline(
    rng: random.Random,
    submitted_at: datetime.datetime,
    steps: list[_Step],
    limit: datetime.datetime,
    texts: _Texts,
) -> list[datetime.datetime]:
    """Increasing times of ``steps`` after ``submitted_at``; all before ``limit``
    unless a step has a fixed time. May turn an offer that cannot have run out
    yet into one the applicant declined."""
    offer_valid = datetime.timedelta(hours=settings.OFFER_VALID_HOURS)
    times: list[datetime.datetime] = []
    prev = submitted_at
    offered_at = None
    for index, step in enumerate(steps):
        if isinstance(step.when, datetime.datetime):
            moment = step.when
        elif step.when == SOON:
            moment = prev + datetime.timedelta(seconds=rng.randint(1, 20))
        else:
            bound, left = limit, 1
            for later in steps[index + 1 :]:
                if isinstance(later.when, datetime.datetime):
                    bound = later.when
                    break
                left += 1
            moment = None
            if step.when == EXPIRE:
                moment = (
                    offered_at
                    + offer_valid
                    + datetime.timedelta(seconds=rng.randint(5, 59))
                )
                if moment >= bound:
                    step.when, step.actor, step.comment = (
                        OFFER_GAP,
                        A.APPLICANT,
                        texts.declined,
                    )
                    moment = None
            if moment is None:
                if step.when == OFFER_GAP:
                    bound = min(bound, offered_at + offer_valid - HOUR)
                room = (bound - prev) / (left + 1)
                wait = datetime.timedelta(hours=rng.expovariate(1 / 30))
                moment = prev + min(max(wait, 10 * MINUTE), room)
        if step.status == S.OFFERED and offered_at is None:
            offered_at = moment
        times.append(moment)
        prev = moment
    return times


# --------------------------------------------------------------------------- #
# Seeding
# --------------------------------------------------------------------------- #


@dataclass
class _Batch:
    applicants: list[Applicant] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    # Per application: (steps, times) and the applicant's category codes.
    histories: list[tuple[list[_Step], list[datetime.datetime]]] = field(
        default_factory=list
    )
    categories: list[list[str]] = field(default_factory=list)


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
        self.ref = _at(today, 0)
        self.now = timezone.now()
        self.staff_id = staff_id
        self.consent_text_id = consent_text_id
        self.part = part
        self.plans = _plans(today, self.now)
        self.cumulative = list(accumulate(plan.weight for plan in self.plans))
        self.mine = _share_out(self.plans, parts)[part]
        _load_active_keys([plan for plan in self.plans if plan.id in self.mine])
        self.categories = LearnerCategory.objects.in_bulk(field_name="code")
        self.texts = _Texts()
        self._anchors: dict[int, _Anchors] = {}
        self.municipalities, self.municipality_weights = zip(
            *MUNICIPALITIES, strict=True
        )

    def pick(self, index: int) -> tuple[random.Random, _CohortPlan]:
        """The generator of application ``index`` and the cohort it goes to."""
        rng = random.Random(SEED * 10_000_019 + index)
        point = rng.random() * self.cumulative[-1]
        return rng, self.plans[bisect.bisect_right(self.cumulative, point)]

    def anchors(self, plan: _CohortPlan) -> _Anchors:
        cached = self._anchors.get(plan.id)
        if cached is None:
            cached = self._anchors[plan.id] = self._make_anchors(plan)
        return cached

    def _make_anchors(self, plan: _CohortPlan) -> _Anchors:
        start = _at(plan.starts_on, 9)
        if plan.phase == CANCELLED:
            cancel = _at(plan.deadline + ONE_DAY, 11)
            pre_end = cancel
        else:
            cancel = start
            pre_end = min(start - 12 * HOUR, self.ref - MINUTE)
        return _Anchors(
            ref=self.ref,
            start=start,
            end=_at(plan.ends_on, 17),
            deadline_end=min(_at(plan.deadline, 23, 30), self.ref - 2 * HOUR),
            pre_end=pre_end,
            cancel=cancel,
        )

    def build(
        self,
        rng: random.Random,
        plan: _CohortPlan,
        index: int,
        skey: uuid.UUID,
        batch: _Batch,
    ) -> None:
        status, overflow = _pick_status(rng, plan)
        anchors = self.anchors(plan)
        steps = _path(rng, plan, status, overflow, anchors, self.texts)
        low, high = _submission_window(plan, steps, anchors)
        submitted_at = _uniform_time(rng, low, high)
        times = _timeline(rng, submitted_at, steps, anchors.pre_end, self.texts)

        applicant, key, codes = self.person(rng, index, plan, status, steps)
        if status in SEAT_OR_FINISHED:
            plan.used += 1

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

    @staticmethod
    def _age_range(plan: _CohortPlan) -> tuple[int, int]:
        if plan.pupils:
            return max(11, plan.min_age), ADULT_AGE - 1
        return max(ADULT_AGE, plan.min_age), 65

    def _birth(self, rng: random.Random, plan: _CohortPlan) -> datetime.date:
        low, high = self._age_range(plan)
        age = rng.randint(low, high) if plan.pupils else _adult_age(rng, low)
        return _birth_date(rng, plan.starts_on, age)

    def person(
        self,
        rng: random.Random,
        index: int,
        plan: _CohortPlan,
        status: str,
        steps: list[_Step],
    ) -> tuple[Applicant, str, list[str]]:
        """The applicant (not saved), their person key and category codes."""
        male_share = 0.62 if plan.pupils else 0.78
        sex = Sex.MALE if rng.random() < male_share else Sex.FEMALE
        family = rng.choice(SURNAMES)
        last = _surname_form(family, sex)
        first, patronymic = _given_names(rng, sex)
        if rng.random() < 0.02:
            patronymic = ""
        birth_date = self._birth(rng, plan)
        key = person_key(last, first, patronymic, birth_date)
        if status in ACTIVE_STATUSES:
            # One active application per person and cohort: a namesake born
            # on the same day is born on another day instead.
            while key in plan.active_keys:
                birth_date = self._birth(rng, plan)
                key = person_key(last, first, patronymic, birth_date)
            plan.active_keys.add(key)
        age = _age(birth_date, plan.starts_on)
        education = _education(rng, age, plan.required_education)
        enrolled = any(step.status in NEEDS_SNILS for step in steps)
        snils = _snils(index) if enrolled or rng.random() < 0.9 else ""
        applicant = Applicant(
            last_name=last,
            first_name=first,
            patronymic=patronymic,
            birth_date=birth_date,
            sex=sex,
            phone=_phone(rng),
            email=f"demo.{index}@example.org",
            municipality=rng.choices(self.municipalities, self.municipality_weights)[0],
            education_level=education,
            snils=snils,
        )
        if age >= ADULT_AGE:
            codes = _adult_categories(rng, plan.program_categories, age, sex, education)
            return applicant, key, codes
        # A minor applies with a parent or another legal representative.
        relation = rng.choices(
            (Relation.MOTHER, Relation.FATHER, Relation.GUARDIAN, Relation.OTHER),
            (62, 32, 5, 1),
        )[0]
        parent_sex = Sex.MALE if relation == Relation.FATHER else Sex.FEMALE
        if relation not in (Relation.MOTHER, Relation.FATHER):
            family = rng.choice(SURNAMES)
        parent_first, parent_patronymic = _given_names(rng, parent_sex)
        applicant.representative_name = " ".join(
            (_surname_form(family, parent_sex), parent_first, parent_patronymic)
        )
        applicant.representative_phone = _phone(rng)
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
        return {
            "applicants": len(batch.applicants),
            "applications": len(batch.applications),
            "status_changes": len(changes),
            "consents": len(consents),
            "categories": len(links),
        }


def _age(birth_date: datetime.date, day: datetime.date) -> int:
    before = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before


def _share_out(plans: list[_CohortPlan], parts: int) -> list[set[int]]:
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
    staff = _staff_user()
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


def _staff_user():
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
