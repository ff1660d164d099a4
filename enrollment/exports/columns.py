"""What an export of applications shows: its columns, each a getter of one
``ApplicationRow``, and the rows read in chunks as plain values; and the
getters of an application the roster shows."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterator
from itertools import islice
from operator import attrgetter
from typing import Any, NamedTuple

from django.db.models import CharField, QuerySet, TextChoices
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber
from phonenumber_field.phonenumber import to_python as to_phone_number

from core.identifiers import format_snils
from enrollment.models import Application, ApplicationStatus, Sex
from programs.models import CategoryCode, Cohort, EducationLevel, LearnerCategory

from .cells import Value

CHUNK_SIZE = 2000
CSV_DELIMITER = ";"  # what Excel with Russian regional settings expects

ROSTER_STATUSES = (
    ApplicationStatus.ENROLLED,
    ApplicationStatus.STUDYING,
    ApplicationStatus.COMPLETED,
    ApplicationStatus.EXPELLED,
)


# --- Choices ---------------------------------------------------------------------


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


def labels(choices: type[TextChoices]) -> dict[Any, str]:
    """Every label of ``choices`` in the active language, by value: a row then
    finds its label with ``.get(value, value)`` (a value no longer among the
    choices shows as stored, as ``label_of`` does)."""
    return {choice.value: str(choice.label) for choice in choices}


# --- The rows of an export of applications -----------------------------------------


class ApplicationRow(NamedTuple):
    """One application as an export shows it: labels in the active language,
    dates as dates, times as stored (UTC); the writers format them."""

    full_name: str
    birth_date: datetime.date
    sex: str
    phone: str
    email: str
    municipality: str
    education: str
    categories: str
    snils: str
    direction: str
    program: str
    cohort_code: str
    cohort_starts_on: datetime.date
    status: str
    submitted_at: datetime.datetime
    status_changed_at: datetime.datetime


# What the field stores for every valid number (PHONENUMBER_DB_FORMAT = E164),
# which the phone library would give back unchanged.
E164 = re.compile(r"\+[0-9]+")


def phone_text(stored: str | None) -> str:
    """The phone number as the applicant's model shows it (``as_e164``),
    without parsing the stored E.164 text again."""
    if not stored:
        return ""
    if E164.fullmatch(stored):
        return stored
    # Anything else was stored as typed; the library reads it as the model does.
    number = to_phone_number(stored)
    return number.as_e164 if isinstance(number, PhoneNumber) else stored


# The columns read for a row, in the order the loop below unpacks them.
APPLICATION_VALUES = (
    "pk",
    "applicant__last_name",
    "applicant__first_name",
    "applicant__patronymic",
    "applicant__birth_date",
    "applicant__sex",
    "phone_text",
    "applicant__email",
    "applicant__municipality",
    "applicant__education_level",
    "applicant__snils",
    "cohort_id",
    "status",
    "submitted_at",
    "status_changed_at",
)
COHORT = APPLICATION_VALUES.index("cohort_id")


def application_rows(
    queryset: QuerySet[Application],
) -> Iterator[list[ApplicationRow]]:
    """The applications of ``queryset`` by pk, as lists of at most CHUNK_SIZE rows.

    No model instances: the applications are read as tuples
    (``values_list().iterator()``, a server-side cursor on PostgreSQL); each
    chunk then reads its learner categories in one query (``queryset`` within
    the chunk's first and last pk: exactly its rows) and the cohorts not seen
    yet in one more. Labels are looked up in dictionaries made once (one more
    query, for the categories), in the language active when the first chunk is
    asked for. Neither the number of queries per chunk nor the memory grows
    with the number of rows.
    """
    sexes = labels(Sex)
    educations = labels(EducationLevel)
    statuses = labels(ApplicationStatus)
    codes = labels(CategoryCode)
    category_labels = {
        pk: codes.get(code, code)
        for pk, code in LearnerCategory.objects.values_list("pk", "code")
    }
    # Direction, program, code and first day of each cohort met so far.
    cohorts: dict[int, tuple[str, str, str, datetime.date]] = {}
    values = (
        queryset.annotate(
            # The stored text: the field would parse every number again.
            phone_text=Cast("applicant__phone", output_field=CharField())
        )
        .order_by("pk")
        .values_list(*APPLICATION_VALUES)
        .iterator(chunk_size=CHUNK_SIZE)
    )

    def rows_of(chunk: list[tuple[Any, ...]]) -> list[ApplicationRow]:
        if not chunk:
            return []
        # The applicants' learner categories, in the categories' order (by pk).
        categories: dict[int, list[str]] = {}
        for pk, category_id in (
            queryset.filter(
                pk__gte=chunk[0][0],
                pk__lte=chunk[-1][0],
                applicant__categories__isnull=False,
            )
            .order_by("pk", "applicant__categories")
            .values_list("pk", "applicant__categories")
        ):
            categories.setdefault(pk, []).append(category_labels[category_id])
        new_cohorts = {item[COHORT] for item in chunk} - cohorts.keys()
        if new_cohorts:
            for cohort_id, direction, program, code, starts_on in Cohort.objects.filter(
                pk__in=new_cohorts
            ).values_list(
                "pk", "program__direction__name", "program__title", "code", "starts_on"
            ):
                cohorts[cohort_id] = (direction, program, code, starts_on)
        rows = []
        for (
            pk,
            last_name,
            first_name,
            patronymic,
            birth_date,
            sex,
            phone,
            email,
            municipality,
            education,
            snils,
            cohort_id,
            status,
            submitted_at,
            status_changed_at,
        ) in chunk:
            direction, program, code, starts_on = cohorts[cohort_id]
            rows.append(
                ApplicationRow(
                    # As Applicant.full_name: the parts there are, by a space.
                    " ".join(filter(None, (last_name, first_name, patronymic))),
                    birth_date,
                    sexes.get(sex, sex),
                    phone_text(phone),
                    email,
                    municipality,
                    educations.get(education, education),
                    ", ".join(categories.get(pk, ())),
                    format_snils(snils),
                    direction,
                    program,
                    code,
                    starts_on,
                    statuses.get(status, status),
                    submitted_at,
                    status_changed_at,
                )
            )
        return rows

    # One chunk at a time: the rows handed out are let go before the next.
    while rows := rows_of(list(islice(values, CHUNK_SIZE))):
        yield rows
        del rows


# --- The columns of an export of applications --------------------------------------

RowGetter = Callable[[ApplicationRow], Value]

# Header, field of ApplicationRow, width in the XLSX file (characters).
COLUMN_FIELDS: list[tuple[Promise, str, int]] = [
    (_("Full name"), "full_name", 36),
    (_("Date of birth"), "birth_date", 12),
    (_("Sex"), "sex", 10),
    (_("Phone"), "phone", 16),
    (_("E-mail"), "email", 30),
    (_("Municipality"), "municipality", 24),
    (_("Education"), "education", 28),
    (_("Learner categories"), "categories", 30),
    (_("СНИЛС"), "snils", 16),
    (_("Direction"), "direction", 28),
    (_("Program"), "program", 44),
    (_("Group"), "cohort_code", 14),
    (_("Starts"), "cohort_starts_on", 12),
    (_("Status"), "status", 18),
    (_("Submitted at"), "submitted_at", 17),
    (_("Status changed at"), "status_changed_at", 17),
]
# A getter per field, read in C (no Python call per cell).
GETTERS: dict[str, RowGetter] = {
    field: attrgetter(field) for _header, field, _width in COLUMN_FIELDS
}

EXPORT_COLUMNS: list[tuple[Promise, RowGetter]] = [
    (header, GETTERS[field]) for header, field, _width in COLUMN_FIELDS
]

# Column widths in the XLSX file, in characters; 14 when not named.
WIDTHS: dict[RowGetter, int] = {
    GETTERS[field]: width for _header, field, width in COLUMN_FIELDS
}

# Text typed by applicants or staff; the other columns are dates, digits, phone
# numbers and labels of choices, which the guard would only spoil (+7...).
FREE_TEXT: frozenset[RowGetter] = frozenset(
    GETTERS[field]
    for field in (
        "full_name",
        "email",
        "municipality",
        "direction",
        "program",
        "cohort_code",
    )
)
# Dates (shown as dates) and moments (shown in Moscow time); the rest is text.
DATES: frozenset[RowGetter] = frozenset(
    GETTERS[field] for field in ("birth_date", "cohort_starts_on")
)
MOMENTS: frozenset[RowGetter] = frozenset(
    GETTERS[field] for field in ("submitted_at", "status_changed_at")
)
TEXT: frozenset[RowGetter] = frozenset(GETTERS.values()) - DATES - MOMENTS


# --- What the roster shows of an application -----------------------------------------

Getter = Callable[[Application], Value]


def full_name(application: Application) -> str:
    return application.applicant.full_name


def birth_date(application: Application) -> datetime.date:
    return application.applicant.birth_date


def phone(application: Application) -> str:
    phone = application.applicant.phone
    # Not ``if phone``: the truth test of a PhoneNumber formats it once more.
    if isinstance(phone, PhoneNumber):
        return phone.as_e164
    return phone or ""


def email(application: Application) -> str:
    return application.applicant.email


def snils(application: Application) -> str:
    return format_snils(application.applicant.snils)


def status(application: Application) -> str:
    return label_of(ApplicationStatus, application.status)
