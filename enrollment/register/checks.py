"""The rows of the register and their check before export: in Python row by
row (for the file and the duplicates) and the same rules in SQL (to count and
list the problems over a whole year at once)."""

from __future__ import annotations

import datetime
import operator
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs.models import (
    DIPLOMA_LEVELS,
    PROFESSIONAL_AREAS,
    QUALIFICATION_RANKS,
    DocumentKind,
)

from ..models import Application, Completion, Duplicate
from .templates import COLUMNS, DOCUMENT, PO, PROGRAM_KINDS, SEX, Entry, document_name


@dataclass(frozen=True)
class Problem:
    """What a row lacks, and where staff put it right."""

    field: str
    message: str
    fix_url: str
    fix_label: str


@dataclass
class Row:
    entry: Entry
    values: list[Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def learner(self) -> str:
        return self.entry.applicant.full_name


RELATED = (
    "application__applicant",
    "application__cohort__program",
    "application__stream",
)


def originals(completions: QuerySet[Completion], template: str) -> QuerySet[Completion]:
    """The originals of one template (certificates of participation are not
    reported), by date of issue."""
    return (
        completions.filter(
            application__cohort__program__kind__in=PROGRAM_KINDS[template]
        )
        .exclude(document_kind=DocumentKind.PARTICIPATION)
        .order_by("issued_on", "registration_number")
    )


def entries(
    completions: QuerySet[Completion], duplicates: QuerySet[Duplicate], template: str
) -> Iterator[Entry]:
    """The documents of one template: originals, then duplicates, by date."""
    for completion in (
        originals(completions, template)
        .select_related(*RELATED)
        .iterator(chunk_size=2000)
    ):
        yield Entry(completion)
    copies = (
        duplicates.filter(
            original__application__cohort__program__kind__in=PROGRAM_KINDS[template]
        )
        .select_related(*(f"original__{name}" for name in RELATED))
        .order_by("issued_on", "registration_number")
    )
    for duplicate in copies.iterator(chunk_size=2000):
        yield Entry(duplicate.original, duplicate)


def build_row(entry: Entry) -> Row:
    """The row's values in the template's order, and what is missing."""
    columns = COLUMNS[entry.template]
    return Row(entry, [value(entry) for _header, value in columns], check(entry))


def _fix_person(entry: Entry) -> tuple[str, str]:
    return (
        reverse("admin:enrollment_applicant_correct", args=[entry.applicant.pk]),
        gettext("Correct the applicant's data"),
    )


def _fix_program(entry: Entry) -> tuple[str, str]:
    return (
        reverse("admin:programs_program_change", args=[entry.program.pk]),
        gettext("Open the program"),
    )


def _fix_document(entry: Entry) -> tuple[str, str]:
    return (
        reverse(
            "admin:enrollment_application_change",
            args=[entry.completion.application_id],
        ),
        gettext("Open the application"),
    )


def check(entry: Entry) -> list[Problem]:
    """What the register would refuse in this row, each with where to fix it."""
    found: list[tuple[str, str, Callable[[Entry], tuple[str, str]]]] = []
    applicant, program = entry.applicant, entry.program
    required = "required"
    if not applicant.snils:
        found.append((gettext("СНИЛС"), required, _fix_person))
    citizenship = applicant.citizenship
    if not (len(citizenship) == 3 and citizenship.isascii() and citizenship.isdigit()):
        found.append((gettext("Citizenship"), "oksm", _fix_person))
    if not applicant.last_name or not applicant.first_name:
        found.append((gettext("Name"), required, _fix_person))
    if applicant.sex not in SEX:
        found.append((gettext("Sex"), required, _fix_person))
    if not entry.document.blank_number:
        found.append((gettext("Blank number"), required, _fix_document))
    if not document_name(entry):
        found.append((gettext("Document"), "foreign", _fix_document))
    if entry.template == PO:
        certificate = entry.completion.document_kind == DocumentKind.WORKER_CERTIFICATE
        if certificate and not program.profession:
            found.append(
                (gettext("Worker profession or office"), required, _fix_program)
            )
        if program.qualification_rank not in QUALIFICATION_RANKS:
            found.append((gettext("Rank awarded"), "unlisted", _fix_program))
    else:
        if program.professional_area not in PROFESSIONAL_AREAS:
            found.append(
                (gettext("Area of professional activity"), required, _fix_program)
            )
        if not program.specialty_group:
            found.append(
                (gettext("Enlarged group of specialties"), required, _fix_program)
            )
        if (
            entry.completion.document_kind == DocumentKind.RETRAINING_DIPLOMA
            and not program.qualification
        ):
            found.append((gettext("Qualification"), required, _fix_program))
        if not applicant.prior_education:
            found.append((gettext("Prior education (ВО/СПО)"), required, _fix_person))
        elif applicant.prior_education in DIPLOMA_LEVELS:
            if not applicant.prior_document_surname:
                found.append((gettext("Surname in the diploma"), required, _fix_person))
            if not applicant.prior_document_number:
                found.append((gettext("Number of the diploma"), required, _fix_person))
    # Messages and links only for the rows that need them.
    return [
        Problem(label, str(MESSAGES[code]), *fix(entry)) for label, code, fix in found
    ]


MESSAGES = {
    "required": _("required by the register"),
    "oksm": _("three digits of ОКСМ"),
    "foreign": _("not a document of this register"),
    "unlisted": _("not in the register's list"),
}


def problem_rules(template: str) -> list[tuple[str, Q]]:
    """The rules of ``check`` in SQL, each with the field ``check`` names: the
    same rules, so that a million rows are checked by the database
    (tests/reports/test_register.py compares the two)."""
    person = "application__applicant__"
    program = "application__cohort__program__"
    rules = [
        (gettext("СНИЛС"), Q(**{f"{person}snils": ""})),
        (
            gettext("Citizenship"),
            ~Q(**{f"{person}citizenship__regex": r"^[0-9]{3}$"}),
        ),
        (
            gettext("Name"),
            Q(**{f"{person}last_name": ""}) | Q(**{f"{person}first_name": ""}),
        ),
        (gettext("Sex"), ~Q(**{f"{person}sex__in": list(SEX)})),
        (gettext("Blank number"), Q(blank_number="")),
        (gettext("Document"), ~Q(document_kind__in=list(DOCUMENT[template]))),
    ]
    if template == PO:
        return [
            *rules,
            (
                gettext("Worker profession or office"),
                Q(
                    document_kind=DocumentKind.WORKER_CERTIFICATE,
                    **{f"{program}profession": ""},
                ),
            ),
            (
                gettext("Rank awarded"),
                ~Q(**{f"{program}qualification_rank__in": QUALIFICATION_RANKS}),
            ),
        ]
    diploma = {f"{person}prior_education__in": list(DIPLOMA_LEVELS)}
    return [
        *rules,
        (
            gettext("Area of professional activity"),
            ~Q(**{f"{program}professional_area__in": PROFESSIONAL_AREAS}),
        ),
        (
            gettext("Enlarged group of specialties"),
            Q(**{f"{program}specialty_group": ""}),
        ),
        (
            gettext("Qualification"),
            Q(
                document_kind=DocumentKind.RETRAINING_DIPLOMA,
                **{f"{program}qualification": ""},
            ),
        ),
        (gettext("Prior education (ВО/СПО)"), Q(**{f"{person}prior_education": ""})),
        (
            gettext("Surname in the diploma"),
            Q(**diploma, **{f"{person}prior_document_surname": ""}),
        ),
        (
            gettext("Number of the diploma"),
            Q(**diploma, **{f"{person}prior_document_number": ""}),
        ),
    ]


def problem_q(template: str) -> Q:
    """The originals ``check`` finds something wrong with, in SQL."""
    return reduce(operator.or_, (q for _field, q in problem_rules(template)))


@dataclass
class Check:
    """The register of one template, checked: how many documents, how many
    lack something, and the first problems with where to fix them."""

    rows: int = 0
    with_problems: int = 0
    problems: list[tuple[Entry, Problem]] = field(default_factory=list)
    # How many documents lack each field, the commonest first.
    by_field: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ready(self) -> int:
        return self.rows - self.with_problems


def check_register(
    completions: QuerySet[Completion],
    duplicates: QuerySet[Duplicate],
    template: str,
    *,
    shown: int = 500,
) -> Check:
    """Check every document of one template before export: the originals in
    SQL, the duplicates (a few) row by row; ``shown`` problems listed."""
    result = Check()
    chosen = originals(completions, template)
    rules = problem_rules(template)
    counts = chosen.aggregate(
        rows=Count("pk"),
        with_problems=Count("pk", filter=problem_q(template)),
        **{f"rule_{i}": Count("pk", filter=q) for i, (_f, q) in enumerate(rules)},
    )
    result.rows, result.with_problems = counts["rows"], counts["with_problems"]
    by_field = Counter(
        {label: counts[f"rule_{i}"] for i, (label, _q) in enumerate(rules)}
    )
    wrong = chosen.filter(problem_q(template))
    if result.with_problems:
        for completion in wrong.select_related(*RELATED)[:shown]:
            entry = Entry(completion)
            result.problems += [(entry, p) for p in check(entry)]
    copies = duplicates.filter(
        original__application__cohort__program__kind__in=PROGRAM_KINDS[template]
    ).select_related(*(f"original__{name}" for name in RELATED))
    for duplicate in copies.iterator(chunk_size=2000):
        entry = Entry(duplicate.original, duplicate)
        result.rows += 1
        found = check(entry)
        if found:
            result.with_problems += 1
            result.problems += [(entry, p) for p in found]
            by_field.update({p.field for p in found})
    del result.problems[shown:]
    result.by_field = [(label, n) for label, n in by_field.most_common() if n]
    return result


@dataclass(frozen=True)
class LeftOut:
    """The completions a report counts for a period (applications submitted in
    it that reached completion) which one template's register does not list,
    by reason. The register lists documents by their date of issue, whenever
    the application was submitted."""

    completed: int = 0
    listed: int = 0
    issued_outside: int = 0
    other_template: int = 0
    participation: int = 0
    no_document: int = 0
    # When the documents issued outside the period were issued.
    outside_from: datetime.date | None = None
    outside_to: datetime.date | None = None

    @property
    def left_out(self) -> int:
        return self.completed - self.listed


def completions_left_out(
    applications: QuerySet[Application],
    template: str,
    *,
    first: datetime.date | None,
    last: datetime.date | None,
) -> LeftOut:
    """Of ``applications`` that reached completion, how many have a document in
    this template's register issued from ``first`` to ``last``, and why the
    others have none there; each counted once, under the first reason that
    applies. One query."""
    no_document = Q(completion__isnull=True)
    participation = Q(completion__document_kind=DocumentKind.PARTICIPATION)
    other_template = ~Q(cohort__program__kind__in=PROGRAM_KINDS[template])
    reasons = {
        "no_document": no_document,
        "participation": ~no_document & participation,
        "other_template": ~no_document & ~participation & other_template,
    }
    outside = Q()
    if first:
        outside |= Q(completion__issued_on__lt=first)
    if last:
        outside |= Q(completion__issued_on__gt=last)
    rest = ~no_document & ~participation & ~other_template
    dates = {}
    if first or last:
        reasons["issued_outside"] = rest & outside
        reasons["listed"] = rest & ~outside
        dates = {
            "outside_from": Min("completion__issued_on", filter=rest & outside),
            "outside_to": Max("completion__issued_on", filter=rest & outside),
        }
    else:
        reasons["listed"] = rest
    figures = (
        applications.filter(reached_completion=True)
        .order_by()
        .aggregate(
            completed=Count("pk"),
            **{name: Count("pk", filter=q) for name, q in reasons.items()},
            **dates,
        )
    )
    return LeftOut(**figures)


def register_rows(
    completions: QuerySet[Completion], duplicates: QuerySet[Duplicate], template: str
) -> Iterator[Row]:
    """Every row of one template, checked."""
    for entry in entries(completions, duplicates, template):
        yield build_row(entry)
