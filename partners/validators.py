"""Checks of Russian organisation numbers by the rules of DOMAIN.md."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.ru import inn as stdnum_inn


def digits(value: str) -> str:
    return re.sub(r"\s", "", value or "")


def validate_inn(value: str, *, length: int | None = None) -> None:
    """ИНН: 10 digits for an organisation, 12 for a person; check digits mod 11 mod 10."""
    number = digits(value)
    if not re.fullmatch(r"\d{10}|\d{12}", number) or (length and len(number) != length):
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
    if not re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", digits(value)):
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
    if entrepreneur is True and not re.fullmatch(r"3\d{14}", number):
        raise ValidationError(
            _("ОГРНИП has 15 digits and starts with 3."), code="ogrn_format"
        )
    if entrepreneur is False and not re.fullmatch(r"[15]\d{12}", number):
        raise ValidationError(
            _("ОГРН has 13 digits and starts with 1 or 5."), code="ogrn_format"
        )
    if not re.fullmatch(r"[15]\d{12}|3\d{14}", number):
        raise ValidationError(
            _("ОГРН has 13 digits (or ОГРНИП 15 digits)."), code="ogrn_format"
        )
    if ogrn_check_digit(number) != int(number[-1]):
        raise ValidationError(
            _("This number has a wrong check digit; please check it."),
            code="ogrn_checksum",
        )
