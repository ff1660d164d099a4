"""The panels of the managers' report: one function each, in the order of the
page. Every figure is aggregated in SQL by the apps' selectors; a panel only
names and arranges them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from enrollment import reports as enrollment_reports
from enrollment.models import Application, DailyIntake, Sex
from partners import selectors as partner_selectors
from partners.models import Agreement, Commitment
from programs.models import Cohort, ProgramKind, StudyForm

from .period import Period, ReportForm
from .tables import Month, RowGroup, Share, Table


@dataclass
class Report:
    """What the panels share: the form, the day, and the rows they read, each
    read once."""

    form: ReportForm
    today: datetime.date

    @cached_property
    def period(self) -> Period:
        return self.form.period(self.today)

    @cached_property
    def applications(self) -> QuerySet[Application]:
        return self.form.applications(self.today)

    @cached_property
    def daily(self) -> QuerySet[DailyIntake]:
        return self.form.daily_intake(self.today)

    @cached_property
    def funnel_by_program(self) -> list:
        return enrollment_reports.funnel_by_program(self.daily)

    def cohorts(self) -> QuerySet[Cohort]:
        """Cohorts starting in the period, of the programs the filters leave."""
        cohorts = Cohort.objects.exclude(status=Cohort.Status.CANCELLED).filter(
            **self.form.program_filters("", "quotas__stream")
        )
        if self.period.start:
            cohorts = cohorts.filter(
                starts_on__gte=timezone.localdate(self.period.start)
            )
        if self.period.end:
            cohorts = cohorts.filter(starts_on__lt=timezone.localdate(self.period.end))
        return cohorts


def rate(part: int, whole: int) -> Share | None:
    return Share(part / whole) if whole else None


def stages() -> list[str]:
    return [
        str(pgettext_lazy("funnel stage", "Submitted")),
        str(pgettext_lazy("funnel stage", "Reviewed")),
        str(pgettext_lazy("funnel stage", "Offered")),
        str(pgettext_lazy("funnel stage", "Enrolled")),
        str(pgettext_lazy("funnel stage", "Completed")),
    ]


def funnel(report: Report) -> Table:
    total = enrollment_reports.add_up(
        "", [row for _direction, row in report.funnel_by_program]
    )
    table = Table(
        "funnel",
        str(_("Intake funnel")),
        [
            str(_("Stage")),
            str(pgettext_lazy("number of", "Applications")),
            str(_("Share of submitted")),
        ],
        chart="bar",
        sheet=str(pgettext_lazy("sheet name", "Funnel")),
    )
    values = [
        total.submitted,
        total.reviewed,
        total.offered,
        total.enrolled,
        total.completed,
    ]
    for label, value in zip(stages(), values, strict=True):
        table.rows.append([label, value, rate(value, total.submitted)])
    return table


def over_time(report: Report) -> Table:
    weekly = report.form.grouping() == "week"
    title = _("Applications by week") if weekly else _("Applications by month")
    table = Table(
        "over_time",
        str(title),
        [
            str(_("Week from") if weekly else _("Month")),
            str(pgettext_lazy("number of", "Applications")),
        ],
        chart="line",
        sheet=str(title),
    )
    # Every month (week) of the period, none skipped; not past today.
    last = min(report.period.last_day or report.today, report.today)
    for start, count in enrollment_reports.applications_over_time(
        report.daily,
        by="week" if weekly else "month",
        first=report.period.first_day,
        last=last,
    ):
        table.rows.append([start if weekly else Month.of(start), count])
    return table


def _funnel_table(key: str, title: str, sheet: str, rows: list) -> Table:
    table = Table(
        key,
        title,
        ["", *stages(), str(_("Enrolled of submitted"))],
        wide=True,
        sheet=sheet,
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
                rate(row.enrolled, row.submitted),
            ]
        )
    return table


def funnel_by_direction(report: Report) -> Table:
    directions: dict[str, list] = {}
    for direction, row in report.funnel_by_program:
        directions.setdefault(direction, []).append(row)
    rows = [
        enrollment_reports.add_up(name, rows)
        for name, rows in sorted(directions.items())
    ]
    return _funnel_table(
        "funnel_directions",
        str(_("Funnel by direction")),
        str(pgettext_lazy("sheet name", "Funnel by direction")),
        rows,
    )


def funnel_by_program(report: Report) -> Table:
    rows = [row for _direction, row in report.funnel_by_program]
    return _funnel_table(
        "funnel_programs",
        str(_("Funnel by program")),
        str(pgettext_lazy("sheet name", "Funnel by program")),
        rows,
    )


STAGES = {
    enrollment_reports.CohortStage.UPCOMING: pgettext_lazy(
        "cohort stage", "recruiting"
    ),
    enrollment_reports.CohortStage.RUNNING: pgettext_lazy("cohort stage", "studying"),
    enrollment_reports.CohortStage.FINISHED: pgettext_lazy("cohort stage", "finished"),
}


def cohorts(report: Report) -> Table:
    table = Table(
        "cohorts",
        str(_("Cohorts: fill and waiting lists")),
        [
            str(_("Group")),
            str(_("Program")),
            str(pgettext_lazy("cohort", "Stage")),
            str(_("Starts")),
            str(_("Ends")),
            str(_("Capacity")),
            str(_("Seats taken")),
            str(_("Fill")),
            str(pgettext_lazy("number of", "Completed")),
            str(_("Waiting")),
            str(_("At risk")),
        ],
        wide=True,
        sheet=str(pgettext_lazy("sheet name", "Cohort fill")),
        # The page groups the rows by stage and keeps a row to a line: the
        # program and the end date are in the workbook.
        page_hidden=(1, 2, 4),
        note=str(
            _(
                "Groups still recruiting come first, the nearest start first; then "
                "groups studying; then finished groups. Seats taken: for a group "
                "that has not started, the seats held now (learners and live "
                "offers); for a group that has started, the people enrolled, "
                "whatever came after."
            )
        ),
    )
    groups = {
        stage: RowGroup(capfirst(str(label)), []) for stage, label in STAGES.items()
    }
    for row in enrollment_reports.cohort_figures(
        report.cohorts(), today=report.today, now=timezone.now()
    ):
        cohort = row.cohort
        cells = [
            cohort.code,
            cohort.program.title,
            str(STAGES[row.stage]),
            cohort.starts_on,
            cohort.ends_on,
            cohort.capacity,
            row.taken,
            rate(row.taken, cohort.capacity),
            row.completed,
            row.waiting,
            str(_("yes")) if row.at_risk else "",
        ]
        table.rows.append(cells)
        groups[row.stage].rows.append(cells)
    # The finished groups are history: folded away on the page.
    finished = groups[enrollment_reports.CohortStage.FINISHED]
    finished.folded = True
    finished.label = gettext("Finished groups (%(count)d)") % {
        "count": len(finished.rows)
    }
    table.groups = list(groups.values())
    return table


def categories(report: Report) -> Table:
    return Table(
        "categories",
        str(_("Learners by category")),
        [str(_("Category")), str(_("Learners"))],
        [
            [name, count]
            for name, count in enrollment_reports.learners_by_category(
                report.applications
            )
        ],
        chart="bar",
        sheet=str(pgettext_lazy("sheet name", "Learners by category")),
    )


def sexes(report: Report) -> Table:
    counts = enrollment_reports.learners_by_sex(report.applications)
    return Table(
        "sex",
        str(_("Learners by sex")),
        [str(_("Sex")), str(_("Learners"))],
        [[str(label), counts.get(value, 0)] for value, label in Sex.choices],
        chart="pie",
        sheet=str(pgettext_lazy("sheet name", "Sex")),
    )


AGE_LABELS = {
    "under_14": _("under 14"),
    "14_17": _("14–17"),
    "18_34": _("18–34"),
    "35_49": _("35–49"),
    "50_plus": _("50 and over"),
}


def ages(report: Report) -> Table:
    counts = enrollment_reports.learners_by_age(report.applications)
    return Table(
        "age",
        str(_("Learners by age on the first day")),
        [str(_("Age")), str(_("Learners"))],
        [[str(AGE_LABELS[key]), value] for key, value in counts.items()],
        chart="bar",
        sheet=str(pgettext_lazy("sheet name", "Age")),
    )


def trained(report: Report) -> Table:
    table = Table(
        "trained",
        str(_("Trained by kind, form and funding (forms 1-ПК, 1-ПО)")),
        [
            str(_("Kind")),
            str(_("Form of study")),
            str(_("Federal budget")),
            str(_("Regional budget")),
            str(_("Local budget")),
            str(_("Paid (employer, learner, maternity capital)")),
            str(_("Total")),
        ],
        wide=True,
        sheet=str(pgettext_lazy("sheet name", "Trained (1-ПК, 1-ПО)")),
    )
    rows = enrollment_reports.trained_by_kind_form_funding(report.applications)
    for kind, form, federal, regional, local, paid in rows:
        table.rows.append(
            [
                str(ProgramKind(kind).label),
                str(StudyForm(form).label),
                federal,
                regional,
                local,
                paid,
                federal + regional + local + paid,
            ]
        )
    return table


def indicators(report: Report) -> Table:
    figures = enrollment_reports.centre_indicators(report.applications)
    return Table(
        "indicators",
        str(_("Centre indicators")),
        [str(_("Indicator")), str(_("Value"))],
        [
            [str(_("People reached")), figures["reached"]],
            [str(_("Career guidance participants")), figures["career_guidance"]],
            [str(_("Trained for employers")), figures["trained_for_employers"]],
            [
                str(_("Employers involved (agreements in force)")),
                partner_selectors.employers_involved(report.today),
            ],
        ],
        sheet=str(pgettext_lazy("sheet name", "Centre indicators")),
    )


def agreements(report: Report) -> Table:
    return Table(
        "agreements",
        str(_("Agreements by kind and status")),
        [str(_("Kind")), str(_("Status")), str(_("Agreements"))],
        [
            [str(Agreement.Kind(kind).label), str(Agreement.Status(status).label), n]
            for kind, status, n in partner_selectors.agreements_by_kind_and_status(
                report.today
            )
        ],
        sheet=str(pgettext_lazy("sheet name", "Agreements")),
    )


def expiring(report: Report) -> Table:
    return Table(
        "expiring",
        str(_("Agreements expiring within 90 days")),
        [str(_("Number")), str(_("Partner")), str(_("Valid until"))],
        [
            [a.number, a.partner.short_name, a.valid_until]
            for a in partner_selectors.expiring_agreements(90, report.today)
        ],
        sheet=str(pgettext_lazy("sheet name", "Expiring agreements")),
    )


def commitments(report: Report) -> Table:
    return Table(
        "commitments",
        str(_("Commitments under agreements in force")),
        [str(_("Commitment")), str(_("Planned")), str(_("Actual"))],
        [
            [str(Commitment.Kind(kind).label), planned, actual or 0]
            for kind, planned, actual in (
                partner_selectors.commitments_planned_and_actual()
            )
        ],
        sheet=str(pgettext_lazy("sheet name", "Commitments")),
    )


def employment(report: Report) -> Table:
    jobs = enrollment_reports.employment(report.applications)
    return Table(
        "employment",
        str(_("Employment after training")),
        [str(_("Figure")), str(_("Learners"))],
        [
            [str(pgettext_lazy("funnel stage", "Completed")), jobs["completed"]],
            [str(_("Employment recorded")), jobs["recorded"]],
            [str(_("Employed")), jobs["employed"]],
            [str(_("Employed by a known employer (ИНН)")), jobs["by_partners"]],
        ],
        sheet=str(pgettext_lazy("sheet name", "Employment")),
    )


PANELS: list[Callable[[Report], Table]] = [
    funnel,
    over_time,
    funnel_by_direction,
    funnel_by_program,
    cohorts,
    categories,
    sexes,
    ages,
    trained,
    indicators,
    agreements,
    expiring,
    commitments,
    employment,
]


def build_report(form: ReportForm, today: datetime.date) -> list[Table]:
    """Every panel of the dashboard, in order."""
    report = Report(form=form, today=today)
    return [panel(report) for panel in PANELS]
