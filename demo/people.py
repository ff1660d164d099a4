"""Demo people: names, birth dates, phones, СНИЛС, education and learner
categories that fit a person's age, sex and education."""

from __future__ import annotations

import datetime
import random

from phonenumber_field.phonenumber import PhoneNumber

from core.identifiers import snils_check_digits
from enrollment.models import (
    ADULT_AGE,
    Sex,
)

from .common import (
    EDUCATION_ORDER,
    ONE_DAY,
    C,
    E,
)


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


def surname_form(male: str, sex: str) -> str:
    return male if sex == Sex.MALE else _female_surname(male)


def given_names(rng: random.Random, sex: str) -> tuple[str, str]:
    male = sex == Sex.MALE
    first = rng.choice(MALE_NAMES if male else FEMALE_NAMES)
    return first, rng.choice(PATRONYMICS)[0 if male else 1]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth_date_at(rng: random.Random, on: datetime.date, age: int) -> datetime.date:
    """A day of birth such that the person is ``age`` years old ``on`` that day."""
    latest = _years_before(on, age)
    earliest = _years_before(on, age + 1) + ONE_DAY
    return earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))


def adult_age(rng: random.Random, low: int) -> int:
    # Most learners are 20 to 45; a tail up to 65.
    age = round(rng.triangular(ADULT_AGE, 66, 30))
    return min(max(age, low), 65)


def snils_for(index: int) -> str:
    """A valid СНИЛС that no other demo number gets (i -> a*i+b mod 9e8 is 1:1)."""
    first_nine = 100_000_000 + (index * 7_919_113 + 12_345_677) % 900_000_000
    digits = str(first_nine)
    return digits + snils_check_digits(digits)


# Mobile codes 9XX; some +7 930 0.. ranges are not assigned, so 930 is left out
# and every number passes the phone field's own check.
MOBILE_CODES = tuple(code for code in range(900, 1000) if code != 930)


def phone_number(rng: random.Random) -> PhoneNumber:
    """A Russian mobile number +79XXXXXXXXX, built rather than parsed (faster)."""
    national = rng.choice(MOBILE_CODES) * 10**7 + rng.randrange(10**7)
    return PhoneNumber(
        country_code=7, national_number=national, raw_input=f"+7{national}"
    )


def education_for(rng: random.Random, age: int, required: str) -> str:
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


def adult_categories(
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


def with_stream_category(
    rng: random.Random,
    codes: list[str],
    stream_codes: tuple[str, ...],
    age: int,
    sex: str,
    edu: str,
) -> list[str]:
    """``codes`` with, first, a category that opens the stream to the person
    (when the stream names categories and none of ``codes`` fits)."""
    fitting = [c for c in stream_codes if _fits(c, age, sex, edu)]
    if not stream_codes or any(c in fitting for c in codes) or not fitting:
        return codes
    chosen = rng.choice(fitting)
    return [chosen, *(c for c in codes if c != chosen and not _conflicts(c, [chosen]))]
