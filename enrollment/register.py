"""The federal register of education documents (ФИС ФРДО): the rows of the
official ПО and ДПО templates, their columns in order with the templates' own
headers and allowed values, and the check of every row before export.

One row per document issued in the period: an original (a Completion) or a
duplicate (a Duplicate, with the original's particulars in the «(оригинала)»
columns). Certificates of participation (career guidance) are not reported.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.identifiers import format_snils
from programs.models import (
    DIPLOMA_LEVELS,
    DPO_KINDS,
    PROFESSIONAL_AREAS,
    QUALIFICATION_RANKS,
    DocumentKind,
    PriorEducation,
    ProgramKind,
    StudyForm,
)

from .models import Completion, Duplicate

PO, DPO = "po", "dpo"
TEMPLATES = {PO: _("vocational training (ПО)"), DPO: _("further education (ДПО)")}
PO_KINDS = (ProgramKind.PO_TRAINING, ProgramKind.PO_RETRAINING, ProgramKind.PO_UPGRADE)
PROGRAM_KINDS = {PO: PO_KINDS, DPO: DPO_KINDS}

# The allowed values, as the templates' «Проверки» sheets have them (trimmed).
DOCUMENT = {
    PO: {
        DocumentKind.WORKER_CERTIFICATE: (
            "Свидетельство о профессии рабочего, должности служащего"
        ),
        DocumentKind.STUDY_CERTIFICATE: "Справка об обучении",
    },
    DPO: {
        DocumentKind.RETRAINING_DIPLOMA: "Диплом о профессиональной переподготовке",
        DocumentKind.UPGRADE_CERTIFICATE: "Удостоверение о повышении квалификации",
        DocumentKind.STUDY_CERTIFICATE: "Справка об обучении",
    },
}
PROGRAM = {
    ProgramKind.PO_TRAINING: (
        "Программа профессиональной подготовки по профессии рабочего, должности "
        "служащего"
    ),
    ProgramKind.PO_RETRAINING: "Программа переподготовки рабочих, служащих",
    ProgramKind.PO_UPGRADE: "Программа повышения квалификации рабочих, служащих",
    ProgramKind.DPO_UPGRADE: "Повышение квалификации",
    ProgramKind.DPO_RETRAINING: "Профессиональная переподготовка",
}
STATUS_ORIGINAL, STATUS_DUPLICATE = "Оригинал", "Дубликат"
YES, NO = "Да", "Нет"
FORM = {
    StudyForm.FULL_TIME: "Очная",
    StudyForm.MIXED: "Очно-заочная (вечерняя)",
    StudyForm.EXTRAMURAL: "Заочная",
}
SEX = {"male": "Муж", "female": "Жен"}
IN_THE_CENTRE = "в образовательной организации"
FUNDING = (
    "Федеральный бюджет",
    "Региональный бюджет",
    "Местный бюджет",
    "Платное обучение",
)
LOSS = (
    NO,
    "Справка из органов внутренних дел",
    "Справка из органов пожарной охраны",
    "Объявление в газете",
    "Другое",
)
EXCHANGE = (
    NO,
    "Обмен по причине порчи",
    "Обмен по причине наличия недостоверной информации",
)


@dataclass
class Entry:
    """One document of the register: an original, or a duplicate of one."""

    completion: Completion
    duplicate: Duplicate | None = None

    @property
    def document(self) -> Completion | Duplicate:
        return self.duplicate or self.completion

    @property
    def applicant(self):
        return self.completion.application.applicant

    @property
    def program(self):
        return self.completion.application.cohort.program

    @property
    def cohort(self):
        return self.completion.application.cohort

    @property
    def template(self) -> str:
        return DPO if self.program.kind in DPO_KINDS else PO

    def original(self, value: Callable[[Entry], Any]) -> Any:
        """A column of the original, filled for a duplicate only."""
        return value(self) if self.duplicate is not None else ""


def _doc_name(e: Entry) -> str:
    return DOCUMENT[e.template].get(e.completion.document_kind, "")


def _status(e: Entry) -> str:
    return STATUS_DUPLICATE if e.duplicate else STATUS_ORIGINAL


def _loss(e: Entry) -> str:
    return e.duplicate.get_loss_display() if e.duplicate else NO


def _exchange(e: Entry) -> str:
    return e.duplicate.get_exchange_display() if e.duplicate else NO


def _destroyed(e: Entry) -> str:
    return YES if e.duplicate and e.duplicate.original_destroyed else NO


def _snils(e: Entry) -> str:
    return format_snils(e.applicant.snils) if e.applicant.snils else ""


def _funding(e: Entry) -> str:
    return e.completion.application.stream.register_funding


Column = tuple[str, Callable[[Entry], Any]]

COMMON_DOCUMENT: list[Column] = [
    ("Статус документа", _status),
    ("Подтверждение утраты", _loss),
    ("Подтверждение обмена", _exchange),
    ("Подтверждение уничтожения", _destroyed),
    ("Серия документа", lambda e: e.document.blank_series),
    ("Номер документа", lambda e: e.document.blank_number),
    ("Дата выдачи документа", lambda e: e.document.issued_on),
    ("Регистрационный номер", lambda e: e.document.registration_number),
]
ORIGINAL: list[Column] = [
    (
        "Наименование документа об образовании (оригинала)",
        lambda e: e.original(_doc_name),
    ),
    ("Серия (оригинала)", lambda e: e.original(lambda x: x.completion.blank_series)),
    ("Номер (оригинала)", lambda e: e.original(lambda x: x.completion.blank_number)),
    (
        "Регистрационный N (оригинала)",
        lambda e: e.original(lambda x: x.completion.registration_number),
    ),
    ("Дата выдачи (оригинала)", lambda e: e.original(lambda x: x.completion.issued_on)),
    (
        "Фамилия получателя (оригинала)",
        lambda e: e.original(lambda x: x.applicant.last_name),
    ),
    (
        "Имя получателя (оригинала)",
        lambda e: e.original(lambda x: x.applicant.first_name),
    ),
    (
        "Отчество получателя (оригинала)",
        lambda e: e.original(lambda x: x.applicant.patronymic),
    ),
    ("Номер документа для изменения", lambda e: ""),
]


def recipient(birth_header: str) -> list[Column]:
    """The learner's columns, the same in both templates but for the stray
    space of one header."""
    return [
        ("Фамилия получателя", lambda e: e.applicant.last_name),
        ("Имя получателя", lambda e: e.applicant.first_name),
        ("Отчество получателя", lambda e: e.applicant.patronymic),
        (birth_header, lambda e: e.applicant.birth_date),
        ("Пол получателя", lambda e: SEX.get(e.applicant.sex, "")),
        ("СНИЛС", _snils),
    ]


# The ПО template: 35 columns, A to AI, headers exactly as the template has them.
PO_COLUMNS: list[Column] = [
    ("Вид документа ", _doc_name),
    *COMMON_DOCUMENT,
    (
        "Программа профессионального обучения, направление подготовки",
        lambda e: PROGRAM[e.program.kind],
    ),
    (
        " Наименование программы профессионального обучения" + " " * 101,
        lambda e: e.program.title,
    ),
    (
        "Наименование \nпрофессий рабочих, должностей служащих",
        lambda e: e.program.profession,
    ),
    (
        "Присвоенный квалификационный разряд, класс, категория (при наличии)",
        lambda e: e.program.qualification_rank or NO,
    ),
    ("Год начала обучения", lambda e: e.cohort.starts_on.year),
    ("Год окончания обучения", lambda e: e.cohort.ends_on.year),
    ("Срок обучения, часов", lambda e: e.program.hours),
    *recipient("Дата рождения получателя "),
    ("Гражданство получателя (код страны по ОКСМ)", lambda e: e.applicant.citizenship),
    ("Форма обучения", lambda e: FORM[e.program.study_form]),
    ("Источник финансирования обучения", _funding),
    (
        "Форма получения образования на момент прекращения образовательных отношений",
        lambda e: IN_THE_CENTRE,
    ),
    *ORIGINAL,
]


def _prior(e: Entry, value: Callable[[Any], str]) -> str:
    """A diploma's particulars: only for the levels whose diploma is asked."""
    return value(e.applicant) if e.applicant.prior_education in DIPLOMA_LEVELS else ""


# The ДПО template: 40 columns, A to AN.
DPO_COLUMNS: list[Column] = [
    ("Вид документа", _doc_name),
    *COMMON_DOCUMENT,
    (
        "Дополнительная профессиональная программа (повышение квалификации/ "
        "профессиональная переподготовка)",
        lambda e: PROGRAM[e.program.kind],
    ),
    (
        "Наименование дополнительной профессиональной программы",
        lambda e: e.program.title,
    ),
    (
        "Наименование области профессиональной деятельности",
        lambda e: e.program.professional_area,
    ),
    ("Укрупненные группы специальностей", lambda e: e.program.specialty_group),
    (
        "Наименование квалификации, профессии, специальности",
        lambda e: e.program.qualification,
    ),
    (
        "Уровень образования ВО/СПО",
        lambda e: (
            PriorEducation(e.applicant.prior_education).label
            if e.applicant.prior_education
            else ""
        ),
    ),
    (
        "Фамилия указанная в дипломе о ВО или СПО",
        lambda e: _prior(e, lambda a: a.prior_document_surname),
    ),
    (
        "Серия документа о ВО/СПО",
        lambda e: _prior(e, lambda a: a.prior_document_series),
    ),
    (
        "Номер документа о ВО/СПО",
        lambda e: _prior(e, lambda a: a.prior_document_number),
    ),
    (
        "Год начала обучения (для документа о квалификации)",
        lambda e: e.cohort.starts_on.year,
    ),
    (
        "Год окончания обучения (для документа о квалификации)",
        lambda e: e.cohort.ends_on.year,
    ),
    ("Срок обучения, часов (для документа о квалификации)", lambda e: e.program.hours),
    *recipient("Дата рождения получателя"),
    ("Форма обучения", lambda e: FORM[e.program.study_form]),
    ("Источник финансирования обучения", _funding),
    (
        "Форма получения образования на момент прекращения образовательных отношений",
        lambda e: IN_THE_CENTRE,
    ),
    ("Гражданство получателя (код страны по ОКСМ)", lambda e: e.applicant.citizenship),
    *ORIGINAL,
]
COLUMNS = {PO: PO_COLUMNS, DPO: DPO_COLUMNS}

# The columns whose values a list of the template allows.
ALLOWED: dict[str, tuple[str, ...]] = {
    "Статус документа": (STATUS_ORIGINAL, STATUS_DUPLICATE),
    "Подтверждение утраты": LOSS,
    "Подтверждение обмена": EXCHANGE,
    "Подтверждение уничтожения": (YES, NO),
    "Пол получателя": tuple(SEX.values()),
    "Форма обучения": tuple(FORM.values()),
    "Источник финансирования обучения": FUNDING,
    "Форма получения образования на момент прекращения образовательных отношений": (
        IN_THE_CENTRE,
        "вне образовательной организации",
    ),
    "Присвоенный квалификационный разряд, класс, категория (при наличии)": (
        QUALIFICATION_RANKS
    ),
    "Наименование области профессиональной деятельности": PROFESSIONAL_AREAS,
}


# --- Rows and their check ------------------------------------------------------------


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
    if not _doc_name(entry):
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


def problem_q(template: str) -> Q:
    """The originals ``check`` finds something wrong with, in SQL: the same
    rules, so that a million rows are checked by the database
    (tests/reports/test_register.py compares the two)."""
    person = "application__applicant__"
    program = "application__cohort__program__"
    q = (
        Q(**{f"{person}snils": ""})
        | ~Q(**{f"{person}citizenship__regex": r"^[0-9]{3}$"})
        | Q(**{f"{person}last_name": ""})
        | Q(**{f"{person}first_name": ""})
        | ~Q(**{f"{person}sex__in": list(SEX)})
        | Q(blank_number="")
        | ~Q(document_kind__in=list(DOCUMENT[template]))
    )
    if template == PO:
        return (
            q
            | Q(
                document_kind=DocumentKind.WORKER_CERTIFICATE,
                **{f"{program}profession": ""},
            )
            | ~Q(**{f"{program}qualification_rank__in": QUALIFICATION_RANKS})
        )
    diploma = {f"{person}prior_education__in": list(DIPLOMA_LEVELS)}
    return (
        q
        | ~Q(**{f"{program}professional_area__in": PROFESSIONAL_AREAS})
        | Q(**{f"{program}specialty_group": ""})
        | Q(
            document_kind=DocumentKind.RETRAINING_DIPLOMA,
            **{f"{program}qualification": ""},
        )
        | Q(**{f"{person}prior_education": ""})
        | Q(**diploma, **{f"{person}prior_document_surname": ""})
        | Q(**diploma, **{f"{person}prior_document_number": ""})
    )


@dataclass
class Check:
    """The register of one template, checked: how many documents, how many
    lack something, and the first problems with where to fix them."""

    rows: int = 0
    with_problems: int = 0
    problems: list[tuple[Entry, Problem]] = field(default_factory=list)

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
    wrong = chosen.filter(problem_q(template))
    result.rows = chosen.count()
    result.with_problems = wrong.count()
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
    del result.problems[shown:]
    return result


def register_rows(
    completions: QuerySet[Completion], duplicates: QuerySet[Duplicate], template: str
) -> Iterator[Row]:
    """Every row of one template, checked."""
    for entry in entries(completions, duplicates, template):
        yield build_row(entry)


def headers(template: str) -> list[str]:
    return [header for header, _value in COLUMNS[template]]


def is_date(value: Any) -> bool:
    return isinstance(value, datetime.date)
