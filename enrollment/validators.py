"""Checks of personal identifiers, by the rules of DOMAIN.md."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SNILS_DIGITS = 11
# Numbers up to 001-001-998 were issued before the check digits existed.
SNILS_UNCHECKED_UP_TO = 1001998


def normalize_snils(value: str) -> str:
    """Return the 11 digits of a СНИЛС typed with any spaces or dashes."""
    return re.sub(r"[\s\-]", "", value or "")


def snils_check_digits(first_nine: str) -> str:
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
    digits = normalize_snils(value)
    if not re.fullmatch(r"\d{11}", digits):
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
