"""Russian for the centre's papers: names in the case a sentence needs, sums in
figures and in words, the plural forms of a noun after a number."""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from num2words import num2words
from pytrovich.enums import Case as _PetrovichCase
from pytrovich.enums import Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker


class Case(enum.Enum):
    """The grammatical cases a contract or an order asks for."""

    NOMINATIVE = None
    GENITIVE = _PetrovichCase.GENITIVE  # в лице Иванова Ивана Ивановича
    DATIVE = _PetrovichCase.DATIVE  # выдать Иванову Ивану Ивановичу
    ACCUSATIVE = _PetrovichCase.ACCUSATIVE  # зачислить Иванова Ивана Ивановича
    INSTRUMENTAL = _PetrovichCase.INSTRUMENTAL  # с Ивановым Иваном Ивановичем


@cache
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


def full_name_in_case(
    last_name: str, first_name: str, patronymic: str, *, sex: str, case: Case
) -> str:
    """«Иванов Иван Иванович» in ``case``; ``sex`` is "male" or "female".

    Names the rules do not know (foreign names, indeclinable surnames such as
    «Бондаренко») are left as they are, which is what Russian grammar does.
    """
    parts = [last_name.strip(), first_name.strip(), patronymic.strip()]
    if case is Case.NOMINATIVE:
        return " ".join(p for p in parts if p)
    gender = Gender.FEMALE if sex == "female" else Gender.MALE
    kinds = (NamePart.LASTNAME, NamePart.FIRSTNAME, NamePart.MIDDLENAME)
    declined = []
    for kind, part in zip(kinds, parts, strict=True):
        if not part:
            continue
        # A double surname («Петров-Водкин») declines part by part.
        words = [
            _maker().make(kind, gender, case.value, word) if word else word
            for word in part.split("-")
        ]
        declined.append("-".join(words))
    return " ".join(declined)


def plural(number: int, one: str, few: str, many: str) -> str:
    """The form of a noun after ``number``: 1 рубль, 2 рубля, 5 рублей, 11 рублей."""
    number = abs(number)
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def money(amount: Decimal) -> str:
    """«45 300,50» with a no-break space between thousands."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, cents = divmod(int(amount * 100), 100)
    return f"{whole:,}".replace(",", "\u00a0") + f",{cents:02d}"


def rubles_in_words(amount: Decimal) -> str:
    """«45 300 (сорок пять тысяч триста) рублей 50 копеек», as contracts write
    a sum: the roubles in figures and in words, the kopecks in figures."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("a sum in words is never negative")
    whole, cents = divmod(int(amount * 100), 100)
    words = num2words(whole, lang="ru")
    rubles = plural(whole, "рубль", "рубля", "рублей")
    kopecks = plural(cents, "копейка", "копейки", "копеек")
    figures = f"{whole:,}".replace(",", "\u00a0")
    return f"{figures} ({words}) {rubles} {cents:02d} {kopecks}"
