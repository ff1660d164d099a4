"""The managers' report: its period and filters, and the panels composed from the
apps' selectors. Every figure is aggregated in SQL."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from core.forms import DateField
from enrollment import reports as enrollment_reports
from enrollment.models import Application, Completion, DailyIntake, Sex
from partners import selectors as partner_selectors
from partners.models import Agreement, Commitment
from programs.models import (
    Cohort,
    Direction,
    FundingSource,
    Program,
    ProgramKind,
    StudyForm,
)

PRESETS = [
    ("all", _("All time")),
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
]


@dataclass(frozen=True)
class Period:
    """From ``start`` (inclusive) to ``end`` (exclusive), midnights in Europe/Moscow."""

    start: datetime.datetime | None
    end: datetime.datetime | None


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
        label=_("Direction"), queryset=Direction.objects.all(), required=False
    )
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.order_by("title"), required=False
    )
    funding = forms.ModelChoiceField(
        label=_("Funding"), queryset=FundingSource.objects.all(), required=False
    )
    group = forms.ChoiceField(
        label=_("Applications over time"),
        choices=[("month", _("by month")), ("week", _("by week"))],
        required=False,
    )

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

    def program_filters(self, cohort: str) -> dict:
        """Lookups for the direction, program and funding filters, from the
        model the report reads through the path to its cohort (``cohort``)."""
        data = self.valid_data()
        program = f"{cohort}__program" if cohort else "program"
        lookups = {
            f"{program}__direction": data.get("direction"),
            program: data.get("program"),
            f"{program}__funding_sources": data.get("funding"),
        }
        return {lookup: value for lookup, value in lookups.items() if value}

    def applications(self, today: datetime.date) -> QuerySet[Application]:
        """The applications the report is about: submitted in the period, filtered."""
        period = self.period(today)
        applications = Application.objects.filter(**self.program_filters("cohort"))
        if period.start:
            applications = applications.filter(submitted_at__gte=period.start)
        if period.end:
            applications = applications.filter(submitted_at__lt=period.end)
        return applications

    def daily_intake(self, today: datetime.date) -> QuerySet[DailyIntake]:
        """The daily intake figures of the same applications (the period's bounds
        are Moscow midnights, so whole days of submission)."""
        period = self.period(today)
        daily = DailyIntake.objects.filter(**self.program_filters("cohort"))
        if period.start:
            daily = daily.filter(day__gte=timezone.localdate(period.start))
        if period.end:
            daily = daily.filter(day__lt=timezone.localdate(period.end))
        return daily

    def completions(self, today: datetime.date) -> QuerySet[Completion]:
        """Documents issued in the period (by date of issue), filtered alike."""
        period = self.period(today)
        completions = Completion.objects.filter(
            **self.program_filters("application__cohort")
        )
        if period.start:
            completions = completions.filter(
                issued_on__gte=timezone.localdate(period.start)
            )
        if period.end:
            completions = completions.filter(
                issued_on__lt=timezone.localdate(period.end)
            )
        return completions


@dataclass
class Table:
    """One panel's figures: a title, column headers and rows."""

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = ""  # "bar", "line" or "pie": drawn from the first two columns
    wide: bool = False  # the full width of the page, not half of it

    def chart_data(self) -> dict:
        return {
            "type": self.chart,
            "title": self.title,
            "labels": [str(row[0]) for row in self.rows],
            "values": [row[1] for row in self.rows],
        }


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def cohort_queryset(form: ReportForm, period: Period) -> QuerySet:
    """Cohorts starting in the period, of the programs the filters leave."""
    cohorts = Cohort.objects.exclude(status=Cohort.Status.CANCELLED).filter(
        **form.program_filters("")
    )
    if period.start:
        cohorts = cohorts.filter(starts_on__gte=timezone.localdate(period.start))
    if period.end:
        cohorts = cohorts.filter(starts_on__lt=timezone.localdate(period.end))
    return cohorts


def build_report(form: ReportForm, today: datetime.date) -> list[Table]:
    """Every panel of the dashboard, in order."""
    period = form.period(today)
    applications = form.applications(today)
    stages = [
        str(pgettext_lazy("funnel stage", "Submitted")),
        str(pgettext_lazy("funnel stage", "Reviewed")),
        str(pgettext_lazy("funnel stage", "Offered")),
        str(pgettext_lazy("funnel stage", "Enrolled")),
        str(pgettext_lazy("funnel stage", "Completed")),
    ]
    tables: list[Table] = []

    daily = form.daily_intake(today)
    per_program = enrollment_reports.funnel_by_program(daily)
    total = enrollment_reports.add_up("", [row for _direction, row in per_program])
    funnel = Table(
        "funnel",
        str(_("Intake funnel")),
        [
            str(_("Stage")),
            str(pgettext_lazy("number of", "Applications")),
            str(_("Share of submitted")),
        ],
    )
    values = [
        total.submitted,
        total.reviewed,
        total.offered,
        total.enrolled,
        total.completed,
    ]
    for label, value in zip(stages, values, strict=True):
        funnel.rows.append([label, value, _rate(value, total.submitted)])
    tables.append(funnel)

    weekly = form.grouping() == "week"
    months = Table(
        "over_time",
        str(_("Applications by week") if weekly else _("Applications by month")),
        [
            str(_("Week from") if weekly else _("Month")),
            str(pgettext_lazy("number of", "Applications")),
        ],
    )
    for start, count in enrollment_reports.applications_over_time(
        daily, by="week" if weekly else "month"
    ):
        months.rows.append([start.strftime("%d.%m.%Y" if weekly else "%m.%Y"), count])
    tables.append(months)
    directions: dict[str, list] = {}
    for direction, row in per_program:
        directions.setdefault(direction, []).append(row)
    by_direction = [
        enrollment_reports.add_up(name, rows)
        for name, rows in sorted(directions.items())
    ]
    for key, rows, title in [
        ("funnel_directions", by_direction, _("Funnel by direction")),
        ("funnel_programs", [row for _d, row in per_program], _("Funnel by program")),
    ]:
        table = Table(
            key, str(title), ["", *stages, str(_("Enrolled of submitted"))], wide=True
        )
        for row in rows:
            table.rows.append(
                [
                    row.name,
                    row.submitted,
                    row.reviewed,
                    row.offered,
                    row.enrolled,
                    row.completed,
                    _rate(row.enrolled, row.submitted),
                ]
            )
        tables.append(table)

    cohorts = Table(
        "cohorts",
        str(_("Cohorts: fill and waiting lists")),
        [
            str(_("Group")),
            str(_("Starts")),
            str(_("Capacity")),
            str(_("Seats taken")),
            str(_("Fill")),
            str(_("Waiting")),
            str(_("At risk")),
        ],
        wide=True,
    )
    for cohort, taken, waiting, at_risk in enrollment_reports.cohort_fill(
        cohort_queryset(form, period), today=today, now=timezone.now()
    ):
        cohorts.rows.append(
            [
                cohort.code,
                cohort.starts_on,
                cohort.capacity,
                taken,
                _rate(taken, cohort.capacity),
                waiting,
                str(_("yes")) if at_risk else "",
            ]
        )
    tables.append(cohorts)

    categories = Table(
        "categories",
        str(_("Learners by category")),
        [str(_("Category")), str(_("Learners"))],
    )
    categories.rows = [
        [name, count]
        for name, count in enrollment_reports.learners_by_category(applications)
    ]
    tables.append(categories)

    sexes = enrollment_reports.learners_by_sex(applications)
    tables.append(
        Table(
            "sex",
            str(_("Learners by sex")),
            [str(_("Sex")), str(_("Learners"))],
            [[str(label), sexes.get(value, 0)] for value, label in Sex.choices],
        )
    )

    ages = enrollment_reports.learners_by_age(applications)
    age_labels = {
        "under_14": _("under 14"),
        "14_17": _("14–17"),
        "18_34": _("18–34"),
        "35_49": _("35–49"),
        "50_plus": _("50 and over"),
    }
    tables.append(
        Table(
            "age",
            str(_("Learners by age on the first day")),
            [str(_("Age")), str(_("Learners"))],
            [[str(age_labels[k]), v] for k, v in ages.items()],
        )
    )

    trained = Table(
        "trained",
        str(_("Trained by kind, form and funding (forms 1-ПК, 1-ПО)")),
        [
            str(_("Kind")),
            str(_("Form of study")),
            str(_("Free for the learner")),
            str(_("Paid")),
            str(_("Total")),
        ],
    )
    for kind, form, free, paid in enrollment_reports.trained_by_kind_form_funding(
        applications
    ):
        trained.rows.append(
            [
                str(ProgramKind(kind).label),
                str(StudyForm(form).label),
                free,
                paid,
                free + paid,
            ]
        )
    tables.append(trained)

    indicators = enrollment_reports.centre_indicators(applications)
    tables.append(
        Table(
            "indicators",
            str(_("Centre indicators")),
            [str(_("Indicator")), str(_("Value"))],
            [
                [str(_("People reached")), indicators["reached"]],
                [str(_("Career guidance participants")), indicators["career_guidance"]],
                [str(_("Trained for employers")), indicators["trained_for_employers"]],
                [
                    str(_("Employers involved (agreements in force)")),
                    partner_selectors.employers_involved(today),
                ],
            ],
        )
    )

    agreements = Table(
        "agreements",
        str(_("Agreements by kind and status")),
        [str(_("Kind")), str(_("Status")), str(_("Agreements"))],
    )
    for kind, status, count in partner_selectors.agreements_by_kind_and_status(today):
        agreements.rows.append(
            [
                str(Agreement.Kind(kind).label),
                str(Agreement.Status(status).label),
                count,
            ]
        )
    tables.append(agreements)
    expiring = Table(
        "expiring",
        str(_("Agreements expiring within 90 days")),
        [str(_("Number")), str(_("Partner")), str(_("Valid until"))],
    )
    expiring.rows = [
        [a.number, a.partner.short_name, a.valid_until]
        for a in partner_selectors.expiring_agreements(90, today)
    ]
    tables.append(expiring)
    commitments = Table(
        "commitments",
        str(_("Commitments under agreements in force")),
        [str(_("Commitment")), str(_("Planned")), str(_("Actual"))],
    )
    commitments.rows = [
        [str(Commitment.Kind(kind).label), planned, actual or 0]
        for kind, planned, actual in partner_selectors.commitments_planned_and_actual()
    ]
    tables.append(commitments)

    jobs = enrollment_reports.employment(applications)
    tables.append(
        Table(
            "employment",
            str(_("Employment after training")),
            [str(_("Figure")), str(_("Learners"))],
            [
                [str(pgettext_lazy("funnel stage", "Completed")), jobs["completed"]],
                [str(_("Employment recorded")), jobs["recorded"]],
                [str(_("Employed")), jobs["employed"]],
                [str(_("Employed by a known employer (ИНН)")), jobs["by_partners"]],
            ],
        )
    )
    charts = {
        "funnel": "bar",
        "over_time": "line",
        "categories": "bar",
        "sex": "pie",
        "age": "bar",
    }
    for table in tables:
        table.chart = charts.get(table.key, "")
    return tables


def report_xlsx(tables: list[Table]) -> bytes:
    """Each panel on its own sheet, with the same numbers as the page."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        # Excel forbids some characters in sheet names and allows 31 of them.
        title = re.sub(r"[\[\]:*?/\\]", " ", table.title)
        sheet = book.create_sheet(title=title[:31].strip())
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
