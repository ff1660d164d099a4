"""Dates of people: ages, counted the way the law counts them."""

from __future__ import annotations

import datetime


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Full years of a person born on ``birth_date`` on ``day``.

    A birthday is reached on its day; one born on 29 February reaches it on
    1 March in a year without that day.
    """
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday
