"""What an export of applications shows: its columns, each a getter of one
application, and the rows read in chunks."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterator

from django.db.models import QuerySet, TextChoices
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber

from core.identifiers import format_snils
from enrollment.models import Application, ApplicationStatus, Sex
from programs.models import CategoryCode, EducationLevel

from .cells import Value

Getter = Callable[[Application], Value]

CHUNK_SIZE = 2000
# A CSV response sends rows in pieces of about this size, not one write per row.
CSV_PIECE_CHARS = 64 * 1024
CSV_DELIMITER = ";"  # what Excel with Russian regional settings expects

ROSTER_STATUSES = (
    ApplicationStatus.ENROLLED,
    ApplicationStatus.STUDYING,
    ApplicationStatus.COMPLETED,
    ApplicationStatus.EXPELLED,
)


# --- Columns -----------------------------------------------------------------


@functools.cache
def cached_label(language: str | None, choices: type[TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def label_of(choices: type[TextChoices], value: str) -> str:
    """The translated label of a choice.

    ``get_FOO_display()`` rebuilds and hashes the whole list of choices on every
    call (a third of the export's time); a few labels per language are cached.
    """
    return cached_label(translation.get_language(), choices, value)


def full_name(application: Application) -> str:
    return application.applicant.full_name


def birth_date(application: Application) -> datetime.date:
    return application.applicant.birth_date


def sex(application: Application) -> str:
    return label_of(Sex, application.applicant.sex)


def phone(application: Application) -> str:
    phone = application.applicant.phone
    # Not ``if phone``: the truth test of a PhoneNumber formats it once more.
    if isinstance(phone, PhoneNumber):
        return phone.as_e164
    return phone or ""


def email(application: Application) -> str:
    return application.applicant.email


def municipality(application: Application) -> str:
    return application.applicant.municipality


def education(application: Application) -> str:
    return label_of(EducationLevel, application.applicant.education_level)


def categories(application: Application) -> str:
    # .all() reads the prefetched rows; no query per application.
    return ", ".join(
        label_of(CategoryCode, category.code)
        for category in application.applicant.categories.all()
    )


def snils(application: Application) -> str:
    return format_snils(application.applicant.snils)


def direction(application: Application) -> str:
    return application.cohort.program.direction.name


def program(application: Application) -> str:
    return application.cohort.program.title


def cohort_code(application: Application) -> str:
    return application.cohort.code


def cohort_starts_on(application: Application) -> datetime.date:
    return application.cohort.starts_on


def status(application: Application) -> str:
    return label_of(ApplicationStatus, application.status)


def submitted_at(application: Application) -> datetime.datetime:
    return application.submitted_at


def status_changed_at(application: Application) -> datetime.datetime:
    return application.status_changed_at


EXPORT_COLUMNS: list[tuple[Promise, Getter]] = [
    (_("Full name"), full_name),
    (_("Date of birth"), birth_date),
    (_("Sex"), sex),
    (_("Phone"), phone),
    (_("E-mail"), email),
    (_("Municipality"), municipality),
    (_("Education"), education),
    (_("Learner categories"), categories),
    (_("СНИЛС"), snils),
    (_("Direction"), direction),
    (_("Program"), program),
    (_("Group"), cohort_code),
    (_("Starts"), cohort_starts_on),
    (_("Status"), status),
    (_("Submitted at"), submitted_at),
    (_("Status changed at"), status_changed_at),
]

# Text typed by applicants or staff; the other columns are dates, digits, phone
# numbers and labels of choices, which the guard would only spoil (+7...).
FREE_TEXT: frozenset[Getter] = frozenset(
    {full_name, email, municipality, direction, program, cohort_code}
)

# Column widths in the XLSX file, in characters; 14 when not named.
WIDTHS: dict[Getter, int] = {
    full_name: 36,
    birth_date: 12,
    sex: 10,
    phone: 16,
    email: 30,
    municipality: 24,
    education: 28,
    categories: 30,
    snils: 16,
    direction: 28,
    program: 44,
    cohort_code: 14,
    cohort_starts_on: 12,
    status: 18,
    submitted_at: 17,
    status_changed_at: 17,
}


# --- Rows ------------------------------------------------------------------------


def export_queryset(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Return ``queryset`` with everything a row reads, in a stable order."""
    return (
        queryset.select_related(
            "applicant", "cohort", "cohort__program", "cohort__program__direction"
        )
        .prefetch_related("applicant__categories")
        .order_by("pk")
    )


def applications_in_chunks(queryset: QuerySet[Application]) -> Iterator[Application]:
    # With chunk_size, prefetch_related runs once per chunk, not for all rows.
    return export_queryset(queryset).iterator(chunk_size=CHUNK_SIZE)
