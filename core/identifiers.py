"""Russian identifiers of people and organisations, by the rules of DOMAIN.md.

Each accepts what people type (spaces and dashes inside the number) and
refuses anything the database's checks would not take: ASCII digits only.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.ru import inn as stdnum_inn

from .numbers import is_ascii_digits, strip_separators

SNILS_DIGITS = 11
# Numbers up to 001-001-998 were issued before the check digits existed.
SNILS_UNCHECKED_UP_TO = 1001998


def normalize_snils(value: str) -> str:
    """Return the 11 digits of a СНИЛС typed with any spaces or dashes."""
    return strip_separators(value)


def snils_check_digits(first_nine: str) -> str:
    """The two check digits of a СНИЛС from its first nine (DOMAIN.md)."""
    total = sum(
        int(digit) * weight
        for digit, weight in zip(first_nine, range(9, 0, -1), strict=True)
    )
    if total < 100:
        check = total
    elif total in (100, 101):
        check = 0
    else:
        check = total % 101
        if check == 100:
            check = 0
    return f"{check:02d}"


def validate_snils(value: str) -> None:
    """Raise ValidationError unless ``value`` is a СНИЛС: 11 ASCII digits with
    the right check number (none below 001-001-998)."""
    digits = normalize_snils(value)
    # ASCII digits only: the column's CHECK takes nothing else (full-width
    # digits would pass ``\d`` and, below 001-001-998, the checksum too).
    if len(digits) != SNILS_DIGITS or not is_ascii_digits(digits):
        raise ValidationError(
            _("СНИЛС has 11 digits, for example 112-233-445 95."), code="snils_format"
        )
    if int(digits[:9]) <= SNILS_UNCHECKED_UP_TO:
        return
    if snils_check_digits(digits[:9]) != digits[9:]:
        raise ValidationError(
            _("This СНИЛС has a wrong check number; please check the digits."),
            code="snils_checksum",
        )


def format_snils(digits: str) -> str:
    """112233445 95 -> 112-233-445 95."""
    if len(digits) != SNILS_DIGITS:
        return digits
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def digits(value: str) -> str:
    """The number without the spaces and dashes people type inside it."""
    return strip_separators(value)


def validate_inn(value: str, *, length: int | None = None) -> None:
    """ИНН: 10 digits for an organisation, 12 for a person; check digits mod 11 mod 10."""
    number = digits(value)
    if (
        not is_ascii_digits(number)
        or len(number) not in (10, 12)
        or (length and len(number) != length)
    ):
        expected = {10: _("10 digits"), 12: _("12 digits")}.get(length or 0)
        raise ValidationError(
            _("ИНН has %(expected)s.") % {"expected": expected}
            if expected
            else _("ИНН has 10 digits (an organisation) or 12 (an entrepreneur)."),
            code="inn_format",
        )
    if not stdnum_inn.is_valid(number):
        raise ValidationError(
            _("This ИНН has a wrong check digit; please check the number."),
            code="inn_checksum",
        )


def validate_kpp(value: str) -> None:
    """Raise ValidationError unless ``value`` is a КПП of nine characters."""
    if not re.fullmatch(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}", digits(value)):
        raise ValidationError(
            _(
                "КПП has 9 characters: four digits, two digits or capital letters, three digits."
            ),
            code="kpp_format",
        )


def ogrn_check_digit(number: str) -> int:
    """ОГРН (13): first 12 mod 11 mod 10; ОГРНИП (15): first 14 mod 13 mod 10."""
    if len(number) == 13:
        return int(number[:12]) % 11 % 10
    return int(number[:14]) % 13 % 10


def validate_ogrn(value: str, *, entrepreneur: bool | None = None) -> None:
    """ОГРН: 13 digits starting with 1 or 5; ОГРНИП: 15 digits starting with 3.

    The final "mod 10" of the ОГРНИП rule matters: python-stdnum omits it and
    rejects valid numbers whose remainder is 10-12, so this check is our own.
    """
    number = digits(value)
    if entrepreneur is True and not re.fullmatch(r"3[0-9]{14}", number):
        raise ValidationError(
            _("ОГРНИП has 15 digits and starts with 3."), code="ogrn_format"
        )
    if entrepreneur is False and not re.fullmatch(r"[15][0-9]{12}", number):
        raise ValidationError(
            _("ОГРН has 13 digits and starts with 1 or 5."), code="ogrn_format"
        )
    if not re.fullmatch(r"[15][0-9]{12}|3[0-9]{14}", number):
        raise ValidationError(
            _("ОГРН has 13 digits (or ОГРНИП 15 digits)."), code="ogrn_format"
        )
    if ogrn_check_digit(number) != int(number[-1]):
        raise ValidationError(
            _("This number has a wrong check digit; please check it."),
            code="ogrn_checksum",
        )


def validate_oksm(value: str) -> None:
    """A country's code in ОКСМ: three ASCII digits (643 is Russia)."""
    if not re.fullmatch(r"[0-9]{3}", value or ""):
        raise ValidationError(
            _("Enter the country's code of three digits, for example 643 for Russia."),
            code="oksm",
        )


def validate_bik(value: str) -> None:
    """БИК: 9 ASCII digits starting with 04 (the Bank of Russia's code of Russia)."""
    number = strip_separators(value)
    if not (len(number) == 9 and is_ascii_digits(number) and number[:2] == "04"):
        raise ValidationError(
            _("БИК has 9 digits and starts with 04."), code="bik_format"
        )


# The Bank of Russia's key of an account number: weights 7, 1, 3 repeated over
# 23 digits (three from the БИК, then the 20 of the account); the sum ends in 0.
ACCOUNT_WEIGHTS = (7, 1, 3) * 8


def account_key_is_valid(bik: str, account: str, *, correspondent: bool) -> bool:
    """Whether ``account`` agrees with ``bik``: a settlement account with the
    БИК's last three digits, a correspondent account with "0" and its 5th-6th."""
    prefix = "0" + bik[4:6] if correspondent else bik[-3:]
    digits_ = prefix + account
    total = sum(int(d) * w for d, w in zip(digits_, ACCOUNT_WEIGHTS, strict=False))
    return total % 10 == 0


def validate_account(value: str, *, bik: str, correspondent: bool = False) -> None:
    """A bank account: 20 ASCII digits whose key agrees with the bank's БИК."""
    number = strip_separators(value)
    if len(number) != 20 or not is_ascii_digits(number):
        raise ValidationError(
            _("An account number has 20 digits."), code="account_format"
        )
    if not account_key_is_valid(
        strip_separators(bik), number, correspondent=correspondent
    ):
        raise ValidationError(
            _("This account number does not agree with the БИК; please check both."),
            code="account_key",
        )
