"""The official ПО and ДПО templates of the federal register (ФИС ФРДО): their
columns in order with the templates' own headers, the value of each column for
one document, and the values the templates' lists allow.

One row per document issued in the period: an original (a Completion) or a
duplicate (a Duplicate, with the original's particulars in the «(оригинала)»
columns). Certificates of participation (career guidance) are not reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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

from ..models import Completion, Duplicate

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


def document_name(e: Entry) -> str:
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
        lambda e: e.original(document_name),
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
    ("Вид документа ", document_name),
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
    ("Вид документа", document_name),
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


def headers(template: str) -> list[str]:
    return [header for header, _value in COLUMNS[template]]
