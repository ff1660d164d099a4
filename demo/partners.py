"""Demo partners of a machine-building centre, with agreements and commitments."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from enrollment.seats import count_seats
from partners import services
from partners.models import Agreement, Commitment, Contact, Partner
from programs.models import Cohort, Program

INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)

# (short name, full name, industry, public, program title words)
PARTNERS = [
    (
        "АО «ЭСЗ»",
        "Акционерное общество «Энский станкостроительный завод»",
        "Станкостроение",
        True,
        ["ЧПУ", "станк"],
    ),
    (
        "ПАО «Энский моторный завод»",
        "Публичное акционерное общество «Энский моторный завод»",
        "Двигателестроение",
        True,
        ["Свар", "свар"],
    ),
    (
        "ООО «Роботех»",
        "Общество с ограниченной ответственностью «Роботех»",
        "Промышленная робототехника",
        True,
        ["робот", "Робот"],
    ),
    (
        "ООО «Аддитив-Про»",
        "Общество с ограниченной ответственностью «Аддитив-Про»",
        "Аддитивное производство",
        True,
        ["3D", "аддитив"],
    ),
    (
        "АО «Энскметрология»",
        "Акционерное общество «Энский центр метрологии»",
        "Метрология и испытания",
        True,
        ["метролог", "измер", "Контроль"],
    ),
    (
        "ООО «КБ Прогресс»",
        "Общество с ограниченной ответственностью «Конструкторское бюро „Прогресс“»",
        "Инженерный консалтинг",
        False,
        ["КОМПАС", "проектир"],
    ),
]


def _inn(rng: random.Random) -> str:
    head = [rng.randint(0, 9) for _ in range(9)]
    head[0] = rng.randint(1, 9)
    check = sum(d * w for d, w in zip(head, INN_WEIGHTS, strict=True)) % 11 % 10
    return "".join(map(str, head)) + str(check)


def _ogrn(rng: random.Random) -> str:
    first = "1" + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return first + str(int(first) % 11 % 10)


def seed_partners(*, today: datetime.date) -> dict[str, int]:
    """Create the demo partners once; later runs change nothing."""
    rng = random.Random(2026)
    counts = {"partners": 0, "agreements": 0}
    with transaction.atomic():
        for index, (short, full, industry, public, words) in enumerate(
            PARTNERS, start=1
        ):
            inn, ogrn = _inn(rng), _ogrn(rng)
            partner = Partner.objects.filter(short_name=short).first()
            if partner is not None:
                continue
            partner = Partner(
                kind=Partner.Kind.ORGANISATION,
                full_name=full,
                short_name=short,
                inn=inn,
                kpp=f"{inn[:4]}01001",
                ogrn=ogrn,
                industry=industry,
                address="г. Энск, Промышленная зона, д. " + str(index * 3),
                is_public=public,
                description=f"{industry}: партнёр центра с {2019 + index % 5} года.",
            )
            partner.full_clean()
            partner.save()
            counts["partners"] += 1
            Contact.objects.create(
                partner=partner,
                name=[
                    "Иванова Мария Петровна",
                    "Соколов Игорь Андреевич",
                    "Петрова Анна Сергеевна",
                ][index % 3],
                position="Начальник отдела кадров",
                phone=f"+7912{index:03d}{index:04d}",
                email=f"hr{index}@partner.example.org",
            )
            programs = [
                p
                for p in Program.objects.published()
                if any(word.lower() in p.title.lower() for word in words)
            ][:4]
            partner.programs.set(programs)
            agreement = Agreement.objects.create(
                partner=partner,
                kind=[
                    Agreement.Kind.COOPERATION,
                    Agreement.Kind.NETWORK,
                    Agreement.Kind.PRACTICE,
                ][index % 3],
                number=f"{index:02d}-СП/{today.year - 1}",
                subject="Сотрудничество в подготовке кадров для предприятия",
                valid_until=today
                + datetime.timedelta(days=[20, 45, 75, 400, 700, 120][index - 1]),
            )
            agreement.programs.set(programs)
            Commitment.objects.create(
                agreement=agreement, kind=Commitment.Kind.INTERNSHIPS, planned=5 + index
            )
            Commitment.objects.create(
                agreement=agreement,
                kind=Commitment.Kind.VACANCIES,
                planned=2 + index % 3,
            )
            cohort = (
                Cohort.objects.open_for_applications(today)
                .filter(
                    program__in=programs,
                    starts_on__gt=today + datetime.timedelta(days=20),
                )
                .order_by("starts_on")
                .first()
            )
            if cohort is not None and index <= 3 and count_seats(cohort).open >= 2:
                Commitment.objects.create(
                    agreement=agreement,
                    kind=Commitment.Kind.RESERVED_SEATS,
                    planned=2,
                    cohort=cohort,
                    release_on=cohort.starts_on - datetime.timedelta(days=7),
                )
            if index != 6:  # the last one stays a draft
                services.sign_agreement(
                    agreement=agreement,
                    signed_on=today - datetime.timedelta(days=100 + index),
                )
            counts["agreements"] += 1
    return counts
