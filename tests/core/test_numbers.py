"""Numbers typed by people or carried in requests: ASCII digits within range,
or a clear refusal; never a database error."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.identifiers import validate_inn, validate_kpp, validate_ogrn, validate_snils
from core.numbers import BIGINT_MAX, parse_int

OTHER_DIGITS = {
    "full-width": "０１２３４５６７８９",
    "superscript": "⁰¹²³⁴⁵⁶⁷⁸⁹",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "devanagari": "०१२३४५६७८९",
}


def translate(number: str, digits: str) -> str:
    return number.translate(str.maketrans("0123456789", digits))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        ("0", 0),
        (str(BIGINT_MAX), BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),
        ("9" * 5000, None),
        ("", None),
        (None, None),
        ("-1", None),
        ("1.5", None),
        ("²", None),
        ("１", None),
        ("١", None),
    ],
)
def test_parse_int_takes_ascii_digits_within_range(value, expected):
    assert parse_int(value) == expected


def test_parse_int_respects_the_bounds():
    assert parse_int("5", minimum=1, maximum=9) == 5
    assert parse_int("0", minimum=1) is None
    assert parse_int("10", maximum=9) is None


@pytest.mark.parametrize("script", OTHER_DIGITS)
@pytest.mark.parametrize(
    ("check", "number"),
    [
        (validate_snils, "00100199800"),  # below 001-001-998: no check digits
        (validate_snils, "11223344595"),
        (validate_inn, "7707083893"),
        (validate_kpp, "773601001"),
        (validate_ogrn, "1027700132195"),
    ],
)
def test_identifiers_refuse_digits_other_than_ascii(check, number, script):
    check(number)  # the ASCII number is valid
    with pytest.raises(ValidationError):
        check(translate(number, OTHER_DIGITS[script]))
