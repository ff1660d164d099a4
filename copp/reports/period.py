"""The managers' report: its period (presets or dates, Moscow time) and its
filters, and the rows each panel reads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from enrollment.models import Application, Completion, DailyIntake, Duplicate
from programs.models import (
    Direction,
    FundingSource,
    Program,
)

CUSTOM = "custom"
PRESETS = [
    ("all", _("All time")),
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    # Shown whenever dates are given: the dates, not a preset, make the period.
    (CUSTOM, _("Custom dates")),
]


def short_date(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class Period:
    """From ``start`` (inclusive) to ``end`` (exclusive), midnights in Europe/Moscow."""

    start: datetime.datetime | None
    end: datetime.datetime | None

    @property
    def first_day(self) -> datetime.date | None:
        return timezone.localdate(self.start) if self.start else None

    @property
    def last_day(self) -> datetime.date | None:
        """The last whole day of the period (``end`` is the midnight after it)."""
        if self.end is None:
            return None
        return timezone.localdate(self.end) - datetime.timedelta(days=1)

    def label(self) -> str:
        """The period in words: «с 01.09.2026 по 30.11.2026», «за всё время»."""
        first, last = self.first_day, self.last_day
        if first and last:
            return gettext("from %(first)s to %(last)s") % {
                "first": short_date(first),
                "last": short_date(last),
            }
        if first:
            return gettext("from %(first)s") % {"first": short_date(first)}
        if last:
            return gettext("until %(last)s") % {"last": short_date(last)}
        return pgettext("report period", "all time")

    def slug(self, today: datetime.date) -> str:
        """The period in a file name: 20260901-20261130; all-time-20261130 for
        everything up to the day the file was made."""
        first, last = self.first_day, self.last_day
        if first:
            return f"{first:%Y%m%d}-{(last or today):%Y%m%d}"
        if last:
            return f"until-{last:%Y%m%d}"
        return f"all-time-{today:%Y%m%d}"


def period_of_days(first: datetime.date | None, last: datetime.date | None) -> Period:
    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    return Period(
        start=midnight(first) if first else None,
        end=midnight(last + datetime.timedelta(days=1)) if last else None,
    )


def preset_days(
    name: str, today: datetime.date
) -> tuple[datetime.date | None, datetime.date | None]:
    if name == "month":
        return today.replace(day=1), today
    if name == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if name == "year":
        return today.replace(month=1, day=1), today
    return None, None


class ReportForm(forms.Form):
    """The period and filters; a value that does not parse is ignored (and its
    field says why), the others still apply."""

    preset = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    date_from = DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    direction = forms.ModelChoiceField(
        label=_("Direction"),
        queryset=Direction.objects.all(),
        required=False,
        empty_label=_("All directions"),
    )
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.order_by("title"),
        required=False,
        empty_label=_("All programs"),
    )
    funding = forms.ModelChoiceField(
        label=_("Funding stream"),
        queryset=FundingSource.objects.all(),
        required=False,
        empty_label=_("All funding streams"),
    )
    group = forms.ChoiceField(
        label=_("Applications over time"),
        choices=[("month", _("by month")), ("week", _("by week"))],
        required=False,
    )

    def __init__(self, data=None, *args, **kwargs) -> None:
        # Dates, when given, make the period: the preset says so rather than
        # showing «All time» beside them.
        if data is not None and (data.get("date_from") or data.get("date_to")):
            data = data.copy()
            data["preset"] = CUSTOM
        super().__init__(data, *args, **kwargs)

    def valid_data(self) -> dict:
        """The values that parsed: an invalid field drops out, not the rest."""
        self.is_valid()
        return self.cleaned_data

    def grouping(self) -> str:
        data = self.valid_data()
        return data.get("group") or "month"

    def period(self, today: datetime.date) -> Period:
        data = self.valid_data()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            first, last = last, first
        if not (first or last):
            first, last = preset_days(data.get("preset") or "all", today)
        return period_of_days(first, last)

    def description(
        self, today: datetime.date, now: datetime.datetime
    ) -> list[tuple[str, str | datetime.datetime]]:
        """What the figures are about, for the top of an exported sheet: the
        period, the filters applied, and when it was made (Moscow time)."""
        data = self.valid_data()
        lines: list[tuple[str, str | datetime.datetime]] = [
            (gettext("Period"), self.period(today).label())
        ]
        for name in ("direction", "program", "funding"):
            if data.get(name):
                lines.append((str(self.fields[name].label), str(data[name])))
        made = timezone.localtime(now).replace(tzinfo=None, second=0, microsecond=0)
        lines.append((gettext("Made"), made))
        return lines

    def program_filters(self, cohort: str, stream: str) -> dict:
        """Lookups for the direction, program and funding filters, from the
        model the report reads through the path to its cohort (``cohort``)
        and to its funding stream (``stream``: an application's own stream,
        or a cohort's quotas)."""
        data = self.valid_data()
        program = f"{cohort}__program" if cohort else "program"
        lookups = {
            f"{program}__direction": data.get("direction"),
            program: data.get("program"),
            stream: data.get("funding"),
        }
        return {lookup: value for lookup, value in lookups.items() if value}

    def applications(self, today: datetime.date) -> QuerySet[Application]:
        """The applications the report is about: submitted in the period, filtered."""
        period = self.period(today)
        applications = Application.objects.filter(
            **self.program_filters("cohort", "stream")
        )
        if period.start:
            applications = applications.filter(submitted_at__gte=period.start)
        if period.end:
            applications = applications.filter(submitted_at__lt=period.end)
        return applications

    def daily_intake(self, today: datetime.date) -> QuerySet[DailyIntake]:
        """The daily intake figures of the same applications (the period's bounds
        are Moscow midnights, so whole days of submission)."""
        period = self.period(today)
        daily = DailyIntake.objects.filter(**self.program_filters("cohort", "stream"))
        if period.start:
            daily = daily.filter(day__gte=timezone.localdate(period.start))
        if period.end:
            daily = daily.filter(day__lt=timezone.localdate(period.end))
        return daily

    def completions(self, today: datetime.date) -> QuerySet[Completion]:
        """Documents issued in the period (by date of issue), filtered alike."""
        return self._issued(
            Completion.objects.filter(
                **self.program_filters("application__cohort", "application__stream")
            ),
            today,
        )

    def duplicates(self, today: datetime.date) -> QuerySet[Duplicate]:
        """Duplicates issued in the period, of the documents filtered alike."""
        return self._issued(
            Duplicate.objects.filter(
                **self.program_filters(
                    "original__application__cohort", "original__application__stream"
                )
            ),
            today,
        )

    def _issued(self, documents: QuerySet, today: datetime.date) -> QuerySet:
        period = self.period(today)
        if period.start:
            documents = documents.filter(
                issued_on__gte=timezone.localdate(period.start)
            )
        if period.end:
            documents = documents.filter(issued_on__lt=timezone.localdate(period.end))
        return documents
