"""Who may study on which funding stream, and with which papers.

One set of rules, read by the public check on the program page (nothing
stored), by the application form (to explain), and by the services that
decide (submission, a change of stream, an offer on another stream): an
applicant who is not eligible never gets a seat on a stream, whatever a form
posted.

Every age is counted on the cohort's first day. A stream is open to a person
when the program admits them (its own minimum age and education), the stream's
age limits and education hold, and, if the stream names categories, the
person belongs to one of them, within that category's own ages (50 and over,
young people under 35).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext, ngettext, pgettext

from core.dates import age_on

from .models import (
    Cohort,
    EducationLevel,
    FundingSource,
    LearnerCategory,
    PaperKind,
    Program,
)

EDUCATION_ORDER = list(EducationLevel.values)


@dataclass(frozen=True)
class Situation:
    """What a person says of themselves, as far as the rules need it."""

    birth_date: datetime.date
    education_level: str
    categories: frozenset[str] = frozenset()  # LearnerCategory codes


@dataclass
class Verdict:
    """May a person use ``stream``: yes, or why not and what would change it;
    and the papers they will show."""

    stream: FundingSource
    reasons: list[str] = field(default_factory=list)
    # The category the stream is granted by (None: the stream names none).
    category: LearnerCategory | None = None
    documents: list[str] = field(default_factory=list)  # PaperKind values

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def document_labels(self) -> list[str]:
        return [str(PaperKind(kind).label) for kind in self.documents]


def education_at_least(level: str, required: str) -> bool:
    return EDUCATION_ORDER.index(level) >= EDUCATION_ORDER.index(required)


def education_needed(level: str) -> str:
    """What a level asks for, as a phrase that reads after «нужно» and the
    like: «образование не ниже основного общего (9 классов)». A level that is
    a state («получает СПО или ВО») is not a rung to be «не ниже»."""
    phrases = {
        EducationLevel.BASIC_GENERAL: pgettext(
            "needed", "at least basic general education (9 grades)"
        ),
        EducationLevel.SECONDARY_GENERAL: pgettext(
            "needed", "at least secondary general education (11 grades)"
        ),
        EducationLevel.STUDYING_PROFESSIONAL: pgettext(
            "needed",
            "to be studying for, or to hold, secondary vocational or higher education",
        ),
        EducationLevel.SECONDARY_VOCATIONAL: pgettext(
            "needed", "secondary vocational or higher education"
        ),
        EducationLevel.HIGHER: pgettext("needed", "higher education"),
    }
    return phrases.get(level, "")


def years(count: int) -> str:
    """An age in words of the language: «12 лет», «21 год», «3 года»."""
    return ngettext("%(count)s year", "%(count)s years", count) % {"count": count}


def _age_limit_reasons(
    age: int, low: int | None, high: int | None, *, subject: str
) -> list[str]:
    reasons = []
    if age < 0:
        return reasons  # a birth date in the future: the form says so
    if low is not None and age < low:
        reasons.append(
            gettext(
                "%(subject)s is for people aged %(min)s and over on the first day "
                "of training; you will be %(age)s."
            )
            % {"subject": subject, "min": years(low), "age": years(age)}
        )
    if high is not None and age > high:
        reasons.append(
            gettext(
                "%(subject)s is for people no older than %(max)s on the first day "
                "of training; you will be %(age)s."
            )
            % {"subject": subject, "max": years(high), "age": years(age)}
        )
    return reasons


def category_fits(category: LearnerCategory, age: int) -> bool:
    """Does a person of ``age`` (on the first day) fit ``category``'s ages?"""
    return (category.min_age is None or age >= category.min_age) and (
        category.max_age is None or age <= category.max_age
    )


def program_reasons(
    program: Program, starts_on: datetime.date, s: Situation
) -> list[str]:
    """Why the program itself does not admit the person (empty: it does)."""
    age = age_on(s.birth_date, starts_on)
    reasons = []
    if 0 <= age < program.min_age:
        reasons.append(
            gettext(
                "This program accepts learners from the age of %(min)s; on the first "
                "day of the group you will be %(age)s."
            )
            % {"min": years(program.min_age), "age": years(age)}
        )
    if not education_at_least(s.education_level, program.required_education):
        reasons.append(
            gettext("This program requires %(education)s.")
            % {"education": education_needed(program.required_education)}
        )
    return reasons


def base_documents(program: Program) -> list[str]:
    """The papers everyone shows for this program, whatever pays."""
    kinds: list[str] = [PaperKind.PASSPORT]
    if program.required_education != EducationLevel.NONE:
        kinds.append(PaperKind.EDUCATION)
    return kinds


def check_stream(
    stream: FundingSource,
    program: Program,
    starts_on: datetime.date,
    situation: Situation,
) -> Verdict:
    """The verdict on one stream, for a group of ``program`` starting ``starts_on``."""
    verdict = Verdict(stream=stream)
    age = age_on(situation.birth_date, starts_on)
    verdict.reasons += program_reasons(program, starts_on, situation)
    verdict.reasons += _age_limit_reasons(
        age,
        stream.min_age,
        stream.max_age,
        subject=gettext("The stream “%(stream)s”") % {"stream": stream.name},
    )
    if not education_at_least(situation.education_level, stream.required_education):
        verdict.reasons.append(
            gettext("The stream “%(stream)s” requires %(education)s.")
            % {
                "stream": stream.name,
                "education": education_needed(stream.required_education),
            }
        )
    papers = list(stream.documents.all())
    allowed = list(stream.categories.all())
    if allowed:
        claimed = [c for c in allowed if c.code in situation.categories]
        fitting = [c for c in claimed if category_fits(c, age)]
        if fitting:
            # The category asking for the fewest papers of its own.
            verdict.category = min(
                fitting,
                key=lambda c: (sum(1 for p in papers if p.category_id == c.pk), c.pk),
            )
        elif claimed:
            for category in claimed:
                verdict.reasons += _age_limit_reasons(
                    age,
                    category.min_age,
                    category.max_age,
                    subject=gettext("The category “%(category)s”")
                    % {"category": category},
                )
        else:
            verdict.reasons.append(
                gettext(
                    "The stream “%(stream)s” is for: %(categories)s. Tick the "
                    "category that applies to you, if one does."
                )
                % {
                    "stream": stream.name,
                    "categories": "; ".join(str(c).lower() for c in allowed),
                }
            )
    kinds = base_documents(program)
    used = verdict.category.pk if verdict.category else None
    for paper in papers:
        wanted = paper.category_id is None or paper.category_id == used
        if wanted and paper.kind not in kinds:
            kinds.append(paper.kind)
    verdict.documents = kinds
    return verdict


def streams_with_rules(streams: QuerySet[FundingSource]) -> QuerySet[FundingSource]:
    """``streams`` with what the checks read, in two queries instead of many."""
    return streams.prefetch_related("categories", "documents").order_by(
        "position", "pk"
    )


def cohort_streams(cohort: Cohort) -> list[FundingSource]:
    """The streams a cohort offers seats on, in their order."""
    return list(streams_with_rules(FundingSource.objects.filter(quotas__cohort=cohort)))


def check_cohort(
    cohort: Cohort,
    situation: Situation,
    streams: Iterable[FundingSource] | None = None,
) -> list[Verdict]:
    """A verdict per stream the cohort offers (or per one of ``streams``)."""
    streams = cohort_streams(cohort) if streams is None else streams
    return [
        check_stream(stream, cohort.program, cohort.starts_on, situation)
        for stream in streams
    ]


def check_one(cohort: Cohort, stream_id: int, situation: Situation) -> Verdict | None:
    """The verdict on one of the cohort's streams; None if it offers no such."""
    stream = next((s for s in cohort_streams(cohort) if s.pk == stream_id), None)
    if stream is None:
        return None
    return check_stream(stream, cohort.program, cohort.starts_on, situation)


def ineligible_message(verdict: Verdict, others: Iterable[Verdict]) -> str:
    """What to tell a person refused on ``verdict``'s stream: why, and which
    of the other streams they may use instead."""
    message = " ".join(verdict.reasons)
    fitting = [
        v.stream.name for v in others if v.eligible and v.stream != verdict.stream
    ]
    if fitting:
        message += " " + gettext("You may apply on: %(streams)s.") % {
            "streams": ", ".join(fitting)
        }
    return message


def offered_categories(
    program: Program, streams: Iterable[FundingSource] = ()
) -> QuerySet[LearnerCategory]:
    """The categories a person applying to ``program`` may tick: those it
    serves and those that open one of ``streams``, if someone old enough for
    the program can belong to them (no pupils of grades 6-7 on a program for
    adults)."""
    ids = {c.pk for c in program.categories.all()}
    for stream in streams:
        ids |= {c.pk for c in stream.categories.all()}
    return (
        LearnerCategory.objects.filter(pk__in=ids)
        .filter(Q(max_age__isnull=True) | Q(max_age__gte=program.min_age))
        .order_by("pk")
    )


def stream_requirements(stream: FundingSource, *, short: bool = False) -> str:
    """The stream's rules in one line, for the form (``short``: the
    categories are named by the form's own checkboxes) and the check page."""
    parts = []
    if stream.min_age is not None and stream.max_age is not None:
        parts.append(
            gettext("aged %(min)s to %(max)s")
            % {"min": stream.min_age, "max": stream.max_age}
        )
    elif stream.min_age is not None:
        parts.append(gettext("aged %(min)s and over") % {"min": stream.min_age})
    elif stream.max_age is not None:
        parts.append(gettext("no older than %(max)s") % {"max": stream.max_age})
    if stream.required_education != EducationLevel.NONE:
        parts.append(
            gettext("needs %(education)s")
            % {"education": education_needed(stream.required_education)}
        )
    categories = [str(c).lower() for c in stream.categories.all()]
    if categories and short:
        parts.append(gettext("for the categories of citizens it names"))
    elif categories:
        parts.append(
            gettext("for: %(categories)s") % {"categories": "; ".join(categories)}
        )
    if not parts:
        return gettext("open to anyone the program admits")
    return "; ".join(parts)
