"""Numbers and identifiers typed by people or carried in requests.

Python's ``str.isdigit()``, ``int()`` and the regex ``\\d`` accept digits of
every script (full-width ``０``, superscript ``²``, Arabic-Indic ``٣``); the
database's checks and PostgreSQL's integers take ASCII digits only. Everything
read from a person or a request is parsed here, so that a value either fits
the column or is refused with a message, never a database error.
"""

from __future__ import annotations

import re

# Values a PostgreSQL bigint holds.
BIGINT_MAX = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]+")
_SEPARATORS = re.compile(r"[\s\-]")


def is_ascii_digits(value: str) -> bool:
    """True when ``value`` is one or more of the digits 0-9 and nothing else."""
    return bool(_ASCII_DIGITS.fullmatch(value))


def strip_separators(value: str | None) -> str:
    """Drop the spaces and dashes people type inside numbers (any Unicode space)."""
    return _SEPARATORS.sub("", value or "")


def parse_int(
    value: str | None, *, minimum: int = 0, maximum: int = BIGINT_MAX
) -> int | None:
    """Return the number in ``value`` when it is ASCII digits within range, else None.

    For query strings and other request data: a value that does not parse is
    treated as absent by the caller, never passed to the database.
    """
    if value is None:
        return None
    value = value.strip()
    if not is_ascii_digits(value) or len(value) > len(str(maximum)):
        return None
    number = int(value)
    if number < minimum or number > maximum:
        return None
    return number
