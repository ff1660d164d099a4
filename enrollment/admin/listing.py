"""The applications list at a million rows: how many rows it says it has and
which dates its date drill-down offers, without reading every row each time."""

from __future__ import annotations

import calendar
import datetime

from django.contrib.admin.views.main import ChangeList
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import Max, Min, QuerySet
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

# The plain list of a table this large states the planner's estimate of its
# rows: an exact count reads the whole table at every visit.
ESTIMATE_FROM = 100_000
# A search counts its rows up to this many and says "more than" beyond: an
# exact count would read every row a common name matches (Иванов matches
# Иванова, Иванович and Ивановна: 30,000 rows of a million).
SEARCH_COUNTS_UP_TO = 5_000
# Up to this many rows the drill-down reads the dates of the rows themselves;
# above, it asks each period whether it holds a row (each stops at the first).
READ_DATES_UP_TO = 5_000


def estimated_rows(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows of ``queryset``'s table, as the planner
    makes it (rows per page at the last ANALYZE times the pages now), or None
    off PostgreSQL or before the first ANALYZE."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN c.reltuples < 0 OR c.relpages = 0 THEN NULL"
            " ELSE c.reltuples / c.relpages * (pg_relation_size(c.oid)"
            " / current_setting('block_size')::int) END"
            " FROM pg_class c WHERE c.oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return None if row is None or row[0] is None else round(row[0])


class ApplicationPaginator(Paginator):
    """The applications list's pages. A filtered list is counted exactly; the
    unfiltered list of a large table takes the planner's estimate, and a search
    counts up to SEARCH_COUNTS_UP_TO rows. An inexact count says so
    (``count_label``), and pages past it are still served: they hold the rows
    that are there, if any."""

    def __init__(
        self, object_list: QuerySet, *args, searched: bool = False, **kwargs
    ) -> None:
        super().__init__(object_list, *args, **kwargs)
        self.rows = object_list
        self.searched = searched
        self.estimated = False
        self.capped = False

    @cached_property
    def count(self) -> int:
        rows = self.rows
        if not rows.query.where:
            estimate = estimated_rows(rows)
            if estimate is not None and estimate >= ESTIMATE_FROM:
                self.estimated = True
                return estimate
        if self.searched:
            count = rows.order_by().values("pk")[: SEARCH_COUNTS_UP_TO + 1].count()
            self.capped = count > SEARCH_COUNTS_UP_TO
            return count
        return super().count

    @property
    def exact(self) -> bool:
        self.count  # noqa: B018 (counting sets the flags)
        return not (self.estimated or self.capped)

    @property
    def count_label(self) -> str:
        """The count in words when it is not exact ("about 1 000 000
        applications", "more than 5 000 applications"); "" when it is."""
        if self.exact:
            return ""
        if self.estimated:
            # An estimate to three figures: «около 1 000 000», not «1 000 038».
            count = round(self.count, 3 - len(str(self.count)))
            label = ngettext(
                "about %(count)s application", "about %(count)s applications", count
            )
        else:
            count = SEARCH_COUNTS_UP_TO
            label = ngettext(
                "more than %(count)s application",
                "more than %(count)s applications",
                count,
            )
        return label % {"count": formats.number_format(count, force_grouping=True)}

    def validate_number(self, number) -> int:
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past an inexact count: the page may still hold rows.
            if self.exact or int(number) < 1:
                raise
            return int(number)

    def page(self, number) -> Page:
        if self.exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return Page(self.rows[bottom : bottom + self.per_page], number, self)


def date_hierarchy(cl: ChangeList) -> dict:
    """The context of the admin's date drill-down for a list of a datetime
    field: Django's ``date_hierarchy`` tag (the same levels, choices and links),
    with the periods found as ``_periods_with_rows`` finds them."""
    field_name = cl.date_hierarchy
    year_field = f"{field_name}__year"
    month_field = f"{field_name}__month"
    day_field = f"{field_name}__day"
    year_lookup = cl.params.get(year_field)
    month_lookup = cl.params.get(month_field)
    day_lookup = cl.params.get(day_field)

    def link(filters: dict) -> str:
        return cl.get_query_string(filters, [f"{field_name}__"])

    years = months = None
    if not (year_lookup or month_lookup or day_lookup):
        # Start at the level where the rows differ, as Django does.
        years = _periods_with_rows(cl, "year")
        if len(years) == 1:
            year_lookup = years[0].year
            months = _periods_with_rows(cl, "month", year=year_lookup)
            if len(months) == 1:
                month_lookup = months[0].month

    if year_lookup and month_lookup and day_lookup:
        day = datetime.date(int(year_lookup), int(month_lookup), int(day_lookup))
        return {
            "show": True,
            "back": {
                "link": link({year_field: year_lookup, month_field: month_lookup}),
                "title": capfirst(formats.date_format(day, "YEAR_MONTH_FORMAT")),
            },
            "choices": [
                {"title": capfirst(formats.date_format(day, "MONTH_DAY_FORMAT"))}
            ],
        }
    if year_lookup and month_lookup:
        days = _periods_with_rows(
            cl, "day", year=int(year_lookup), month=int(month_lookup)
        )
        return {
            "show": True,
            "back": {
                "link": link({year_field: year_lookup}),
                "title": str(year_lookup),
            },
            "choices": [
                {
                    "link": link(
                        {
                            year_field: year_lookup,
                            month_field: month_lookup,
                            day_field: day.day,
                        }
                    ),
                    "title": capfirst(formats.date_format(day, "MONTH_DAY_FORMAT")),
                }
                for day in days
            ],
        }
    if year_lookup:
        if months is None:
            months = _periods_with_rows(cl, "month", year=int(year_lookup))
        return {
            "show": True,
            "back": {"link": link({}), "title": gettext("All dates")},
            "choices": [
                {
                    "link": link({year_field: year_lookup, month_field: month.month}),
                    "title": capfirst(formats.date_format(month, "YEAR_MONTH_FORMAT")),
                }
                for month in months
            ],
        }
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({year_field: str(year.year)}), "title": str(year.year)}
            for year in years or []
        ],
    }


def _periods_with_rows(
    cl: ChangeList, kind: str, *, year: int = 0, month: int = 0
) -> list[datetime.datetime]:
    """The years, the months of ``year`` or the days of ``month`` of ``year``
    that hold a row of the list, as the starts of those periods (local time).

    A short list reads its rows' dates, as Django does. A long one asks, in one
    statement, whether each period holds a row: each question stops at the
    first row it finds (by the date's index and the list's filter) instead of
    reading the dates of a million rows; the years asked about are those the
    whole table spans (its first and last dates, from the index)."""
    field_name = cl.date_hierarchy
    if cl.paginator.exact and cl.result_count <= READ_DATES_UP_TO:
        return list(cl.queryset.datetimes(field_name, kind))
    if kind == "year":
        span = cl.root_queryset.aggregate(first=Min(field_name), last=Max(field_name))
        if span["first"] is None:
            return []
        first = timezone.localtime(span["first"]).year
        last = timezone.localtime(span["last"]).year
        starts = [_local(each) for each in range(first, last + 1)]
    elif kind == "month":
        starts = [_local(year, each) for each in range(1, 13)]
    else:
        days = calendar.monthrange(year, month)[1]
        starts = [_local(year, month, each) for each in range(1, days + 1)]
    queryset = cl.queryset.order_by()
    parts, params = [], []
    for start in starts:
        probe = queryset.filter(
            **{f"{field_name}__gte": start, f"{field_name}__lt": _next(start, kind)}
        ).values("pk")[:1]
        sql, probe_params = probe.query.get_compiler(using=queryset.db).as_sql()
        parts.append(f"EXISTS ({sql})")
        params.extend(probe_params)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        held = cursor.fetchone()
    return [start for start, holds in zip(starts, held, strict=True) if holds]


def _local(year: int, month: int = 1, day: int = 1) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day))


def _next(start: datetime.datetime, kind: str) -> datetime.datetime:
    """The start of the period after the ``kind`` beginning at ``start``."""
    if kind == "day":
        day = start.date() + datetime.timedelta(days=1)
        return _local(day.year, day.month, day.day)
    if kind == "month":
        if start.month == 12:
            return _local(start.year + 1)
        return _local(start.year, start.month + 1)
    return _local(start.year + 1)
