"""The terms of a contract: who signs it (by the stream's payer and the
learner's age), the customer's details each kind needs, the schedule of
payments, and everything the paper prints (``build_particulars``), in the
Russian the paper needs."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext_lazy as _

from core.identifiers import validate_inn, validate_kpp, validate_ogrn
from core.numbers import strip_separators
from core.russian import Case, full_name_in_case, money, rubles_in_words
from programs.models import Centre, Payer, ProgramKind, StudyForm

from ..models import (
    ADULT_AGE,
    Application,
    ApplicationStatus,
    Contract,
    ContractKind,
    ContractState,
)

S = ApplicationStatus
State = ContractState

# A contract is prepared for an application that is being decided or offered
# a seat, before the enrolment order.
CONTRACT_STATUSES = (S.SUBMITTED, S.IN_REVIEW, S.WAITLISTED, S.OFFERED)
MAX_INSTALMENTS = 12

# The paper's wording of each kind of program (decree № 1441: kind, level, name).
SUBJECT = {
    ProgramKind.PO_TRAINING: (
        "профессиональное обучение",
        "программа профессиональной подготовки по профессии рабочего",
    ),
    ProgramKind.PO_RETRAINING: (
        "профессиональное обучение",
        "программа переподготовки рабочих",
    ),
    ProgramKind.PO_UPGRADE: (
        "профессиональное обучение",
        "программа повышения квалификации рабочих",
    ),
    ProgramKind.DPO_UPGRADE: (
        "дополнительное профессиональное образование",
        "дополнительная профессиональная программа повышения квалификации",
    ),
    ProgramKind.DPO_RETRAINING: (
        "дополнительное профессиональное образование",
        "дополнительная профессиональная программа профессиональной переподготовки",
    ),
    ProgramKind.CAREER_GUIDANCE: (
        "дополнительное образование",
        "дополнительная общеразвивающая программа",
    ),
}
# «Обучение осуществляется за счёт средств …» of a contract on a budget stream.
BUDGET_TEXT: dict[str, str] = {
    Payer.FEDERAL_BUDGET: "федерального бюджета",
    Payer.REGIONAL_BUDGET: "бюджета субъекта Российской Федерации",
    Payer.LOCAL_BUDGET: "местного бюджета",
}
FORM = {
    StudyForm.FULL_TIME: "очная",
    StudyForm.MIXED: "очно-заочная",
    StudyForm.EXTRAMURAL: "заочная",
}


@dataclasses.dataclass
class Party:
    """The customer as staff enter them when preparing a contract.

    A person (the adult learner, the legal representative, the holder of
    maternity capital): name, sex, address, phone and identity document. An
    employer: the organisation's name, numbers and address, and the person
    who signs for it. ``learner_address`` is the learner's own address when
    someone else pays.
    """

    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    sex: str = ""
    address: str = ""
    phone: str = ""
    identity_document: str = ""
    learner_address: str = ""
    organisation: str = ""
    inn: str = ""
    kpp: str = ""
    ogrn: str = ""
    signatory_position_genitive: str = ""
    signatory_authority: str = ""
    maternity_certificate: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Party:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: str(v or "").strip() for k, v in data.items() if k in names})


def contract_kind(application: Application, on: datetime.date | None = None) -> str:
    """Who signs as the customer: the employer or the maternity-capital holder
    by the stream's payer, otherwise the learner, or their legal
    representative while the learner is under 18 on ``on`` (today)."""
    payer = application.stream.payer
    if payer == Payer.EMPLOYER:
        return ContractKind.EMPLOYER
    if payer == Payer.MATERNITY_CAPITAL:
        return ContractKind.MATERNITY
    today = on or timezone.localdate()
    if application.applicant.age_on(today) < ADULT_AGE:
        return ContractKind.REPRESENTATIVE
    return ContractKind.ADULT


def default_party(application: Application) -> Party:
    """The customer's fields the application already knows."""
    applicant = application.applicant
    kind = contract_kind(application)
    if kind == ContractKind.ADULT:
        return Party(
            last_name=applicant.last_name,
            first_name=applicant.first_name,
            patronymic=applicant.patronymic,
            sex=applicant.sex,
            phone=str(applicant.phone or ""),
        )
    if kind in (ContractKind.REPRESENTATIVE, ContractKind.MATERNITY):
        parts = applicant.representative_name.split()
        return Party(
            last_name=parts[0] if parts else "",
            first_name=parts[1] if len(parts) > 1 else "",
            patronymic=" ".join(parts[2:]),
            phone=str(applicant.representative_phone or ""),
        )
    return Party()


def check_party(kind: str, party: Party) -> None:
    """Raise ValidationError (by field) for what the contract of ``kind`` needs
    and ``party`` lacks, or an organisation's wrong number."""
    errors: dict[str, Any] = {}
    required = ["address"]
    if kind == ContractKind.EMPLOYER:
        required += [
            "organisation",
            "inn",
            "ogrn",
            "last_name",
            "first_name",
            "sex",
            "signatory_position_genitive",
            "signatory_authority",
        ]
    else:
        required += ["last_name", "first_name", "sex", "identity_document"]
    if kind != ContractKind.ADULT:
        required.append("learner_address")
    if kind == ContractKind.MATERNITY:
        required.append("maternity_certificate")
    for name in required:
        if not getattr(party, name):
            errors[name] = _("Please fill this in: the contract needs it.")
    if party.sex and party.sex not in ("male", "female"):
        errors["sex"] = _("Please choose.")
    if kind == ContractKind.EMPLOYER:
        checks = {
            "inn": lambda v: validate_inn(v, length=10),
            "kpp": validate_kpp,
            "ogrn": lambda v: validate_ogrn(v, entrepreneur=False),
        }
        for name, check in checks.items():
            value = getattr(party, name)
            if value and name not in errors:
                try:
                    check(value)
                except ValidationError as error:
                    errors[name] = error.messages[0]
    if errors:
        raise ValidationError(errors)


def payment_schedule(
    price: Decimal, instalments: int, starts_on: datetime.date, today: datetime.date
) -> list[dict[str, str]]:
    """One sum before the start, or equal monthly parts (the first before the
    start, the rest a month apart; the last takes the remainder)."""
    share = (price / instalments).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    first_due = max(today, starts_on - datetime.timedelta(days=1))
    schedule = []
    for n in range(instalments):
        amount = share if n < instalments - 1 else price - share * (instalments - 1)
        due = first_due + relativedelta(months=n)
        schedule.append(
            {
                "due": due.isoformat(),
                "due_text": ru_date(due),
                "amount": str(amount),
                "amount_text": rubles_in_words(amount),
            }
        )
    return schedule


def ru_date(day: datetime.date) -> str:
    """«30 ноября 2026 г.»"""
    with translation.override("ru"):
        return dateformat.format(day, "j E Y") + " г."


def person_names(last: str, first: str, patronymic: str, sex: str) -> dict[str, str]:
    """A person's name in the cases a contract uses, and the words that agree
    with their sex (действующего/действующей, именуемый/именуемая)."""
    return {
        "name": full_name_in_case(
            last, first, patronymic, sex=sex, case=Case.NOMINATIVE
        ),
        "name_genitive": full_name_in_case(
            last, first, patronymic, sex=sex, case=Case.GENITIVE
        ),
        "acting": "действующей" if sex == "female" else "действующего",
        "named": "именуемая" if sex == "female" else "именуемый",
        "minor": "несовершеннолетней" if sex == "female" else "несовершеннолетнего",
    }


def build_particulars(
    *,
    application: Application,
    centre: Centre,
    kind: str,
    party: Party,
    price: Decimal,
    instalments: int,
    number: str,
    day: datetime.date,
) -> dict[str, Any]:
    """Everything the contract prints, as it is on ``day``."""
    applicant = application.applicant
    cohort = application.cohort
    program = cohort.program
    level, name_of_kind = SUBJECT[ProgramKind(program.kind)]
    with translation.override("ru"):
        document = str(program.get_document_kind_display())
    document = document[:1].lower() + document[1:]  # «выдаётся свидетельство …»
    learner = {
        **person_names(
            applicant.last_name,
            applicant.first_name,
            applicant.patronymic,
            applicant.sex,
        ),
        "birth_date": ru_date(applicant.birth_date),
        "phone": str(applicant.phone or ""),
        "email": applicant.email,
        "address": party.learner_address or party.address,
    }
    customer: dict[str, Any] = {"address": party.address, "phone": party.phone}
    if kind == ContractKind.EMPLOYER:
        customer.update(
            organisation=party.organisation,
            inn=strip_separators(party.inn),
            kpp=strip_separators(party.kpp),
            ogrn=strip_separators(party.ogrn),
            signatory_position_genitive=party.signatory_position_genitive,
            signatory_authority=party.signatory_authority,
            **person_names(
                party.last_name, party.first_name, party.patronymic, party.sex
            ),
        )
    else:
        customer.update(
            identity_document=party.identity_document,
            maternity_certificate=party.maternity_certificate,
            **person_names(
                party.last_name, party.first_name, party.patronymic, party.sex
            ),
        )
    return {
        "number": number,
        "date": ru_date(day),
        "kind": kind,
        "centre": {
            **{
                f.name: str(getattr(centre, f.name))
                for f in Centre._meta.concrete_fields
                if f.name not in ("id", "updated_at", "licence_date")
            },
            "licence_date": ru_date(centre.licence_date),
            "signatory_genitive": full_name_in_case(
                centre.signatory_last_name,
                centre.signatory_first_name,
                centre.signatory_patronymic,
                sex=centre.signatory_sex,
                case=Case.GENITIVE,
            ),
            "signatory_initials": centre.signatory_initials,
            "acting": "действующей"
            if centre.signatory_sex == "female"
            else "действующего",
        },
        "customer": customer,
        "learner": learner,
        "program": {
            "title": program.title,
            "level": level,
            "kind": name_of_kind,
            "form": FORM[StudyForm(program.study_form)],
            "hours": program.hours,
            "document": document,
        },
        "cohort": {
            "code": cohort.code,
            "starts_on": ru_date(cohort.starts_on),
            "ends_on": ru_date(cohort.ends_on),
        },
        "paid": price > 0,
        "budget": BUDGET_TEXT.get(application.stream.payer, ""),
        "stream": application.stream.name,
        "price": money(price),
        "price_words": rubles_in_words(price),
        "schedule": (
            payment_schedule(price, instalments, cohort.starts_on, day)
            if price > 0
            else []
        ),
    }


def party_of(contract: Contract) -> Party:
    """The customer's fields as the contract printed them, to correct them."""
    customer = contract.particulars["customer"]
    names = customer.get("name", "").split()
    return Party.from_mapping(
        {
            **customer,
            "last_name": names[0] if names else "",
            "first_name": names[1] if len(names) > 1 else "",
            "patronymic": " ".join(names[2:]),
            "sex": "female" if customer.get("named") == "именуемая" else "male",
            "learner_address": contract.particulars["learner"]["address"],
        }
    )
