"""A panel's table: typed cells (counts, shares, days, months), shown as text
on the page and kept as numbers and dates for the workbook."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import formats

from .period import short_date


class Share(float):
    """A fraction of a whole (0.25 for 25 %): a percentage on the page, a
    number formatted as a percentage in the workbook."""


class Month(datetime.date):
    """The first day of a month, standing for the whole month."""

    @classmethod
    def of(cls, day: datetime.date) -> Month:
        return cls(day.year, day.month, 1)


def shown(value: object) -> str:
    """A cell as the page shows it."""
    if value is None:
        return "—"
    if isinstance(value, Share):
        return f"{formats.number_format(round(value * 100, 1), 1)}%"
    if isinstance(value, Month):
        return value.strftime("%m.%Y")
    if isinstance(value, datetime.date):
        return short_date(value)
    return str(value)


def cell_class(value: object, numeric_column: bool) -> str:
    """Numbers to the right; numbers, dates and codes (a word, no spaces) never
    broken across lines."""
    if numeric_column:
        return "text-end text-nowrap"
    if isinstance(value, datetime.date) or (
        isinstance(value, str) and " " not in value and len(value) <= 20
    ):
        return "text-nowrap"
    return ""


@dataclass
class RowGroup:
    """Rows the page shows under a label (a folded group: behind a click)."""

    label: str
    rows: list[list]
    folded: bool = False


@dataclass
class Section:
    """A group of rows as the page shows them."""

    label: str
    rows: list[list[tuple[str, str]]]
    folded: bool

    @property
    def alone(self) -> list[Section]:
        """This section as a list of sections, for the template that shows them."""
        return [self]


@dataclass
class Table:
    """One panel's figures: a title, column headers and rows.

    Cells keep their types (counts as ``int``, shares as ``Share``, days as
    dates, months as ``Month``): the page shows them as text, the workbook
    stores them as numbers and dates with a format.
    """

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = ""  # "bar", "line" or "pie": drawn from the first two columns
    wide: bool = False  # the full width of the page, not half of it
    sheet: str = ""  # the workbook's sheet: a short name, 31 characters at most
    note: str = ""  # what the figures mean, under the table
    # The page's groups of the same rows, in the same order (none: one group).
    groups: list[RowGroup] = field(default_factory=list)
    # Columns only the workbook has (the page says them by its groups).
    page_hidden: tuple[int, ...] = ()

    def chart_data(self) -> dict:
        return {
            "type": self.chart,
            "title": self.title,
            "labels": [shown(row[0]) for row in self.rows],
            "values": [row[1] for row in self.rows],
        }

    @cached_property
    def numeric(self) -> list[bool]:
        """Which columns hold numbers (aligned to the right on the page)."""
        return [
            any(
                isinstance(row[i], int | float) and not isinstance(row[i], bool)
                for row in self.rows
            )
            for i in range(len(self.headers))
        ]

    @cached_property
    def page_columns(self) -> list[int]:
        return [i for i in range(len(self.headers)) if i not in self.page_hidden]

    @cached_property
    def set_apart(self) -> set[int]:
        """Text columns right after a number column on the page: a little room
        between the number (to the right) and the text (to the left)."""
        columns = self.page_columns
        return {
            i
            for before, i in itertools.pairwise(columns)
            if self.numeric[before] and not self.numeric[i]
        }

    def _classes(self, i: int, value: object) -> str:
        classes = [cell_class(value, self.numeric[i])]
        if i in self.set_apart:
            classes.append("ps-3")
        return " ".join(c for c in classes if c)

    @property
    def header_cells(self) -> list[tuple[str, str]]:
        """The page's headers, each with its classes."""
        return [
            (self.headers[i], "text-end" if self.numeric[i] else self._classes(i, ""))
            for i in self.page_columns
        ]

    def _cells(self, rows: list[list]) -> list[list[tuple[str, str]]]:
        return [
            [(shown(row[i]), self._classes(i, row[i])) for i in self.page_columns]
            for row in rows
        ]

    @property
    def shown_rows(self) -> list[list[tuple[str, str]]]:
        """The rows as the page shows them: each cell's text and its classes."""
        return self._cells(self.rows)

    @property
    def sections(self) -> list[Section]:
        """The page's groups of rows, the empty ones left out."""
        if not self.groups:
            return [Section("", self.shown_rows, folded=False)] if self.rows else []
        groups = [group for group in self.groups if group.rows]
        # Nothing is folded away when nothing else would be shown.
        fold = any(not group.folded for group in groups)
        return [
            Section(group.label, self._cells(group.rows), fold and group.folded)
            for group in groups
        ]

    @property
    def open_sections(self) -> list[Section]:
        return [section for section in self.sections if not section.folded]

    @property
    def folded_sections(self) -> list[Section]:
        return [section for section in self.sections if section.folded]
