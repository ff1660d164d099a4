"""What a printed order says: the centre, the group and its program, the
ground, and each person listed (with the contract, or the document issued)."""

from __future__ import annotations

from typing import Any

from core.russian import Case, full_name_in_case
from programs.models import Centre, DocumentKind, ProgramKind

from ..models import Application, Contract, ContractState, Order, OrderLine
from .contract_terms import SUBJECT, ru_date

GROUND_TEXT: dict[str, str] = {
    Order.Ground.REQUEST: "по собственному желанию (заявление обучающегося)",
    Order.Ground.FAILURE: "в связи с невыполнением учебного плана",
}


def order_context(
    order: Order,
    centre: Centre,
    listed: list[Application],
    lines: dict[int, OrderLine],
    replaced: Order | None,
) -> dict[str, Any]:
    """What ``papers/order.html`` prints for ``order`` listing ``listed``
    (with their ``lines``), in place of ``replaced`` when it replaces one."""
    program = order.cohort.program
    level, name_of_kind = SUBJECT[ProgramKind(program.kind)]
    contracts = {
        c.application_id: c
        for c in Contract.objects.filter(
            application__in=listed, state=ContractState.CHECKED
        )
    }
    people = []
    for a in sorted(
        listed,
        key=lambda a: (a.applicant.last_name, a.applicant.first_name, a.pk),
    ):
        p = a.applicant
        contract = contracts.get(a.pk)
        line = lines[a.pk]
        blank = " ".join(filter(None, [line.blank_series, line.blank_number]))
        people.append(
            {
                "name": full_name_in_case(
                    p.last_name,
                    p.first_name,
                    p.patronymic,
                    sex=p.sex,
                    case=Case.NOMINATIVE,
                ),
                "birth_date": p.birth_date.strftime("%d.%m.%Y"),
                "stream": a.stream.name,
                "contract": contract.display_number if contract else "",
                "registration_number": line.registration_number,
                "blank": blank,
            }
        )
    return {
        "order": {
            "number": order.display_number,
            "date": ru_date(order.dated),
            "kind": order.kind,
            "ground": GROUND_TEXT.get(order.ground, ""),
            "certificates": order.kind == Order.Kind.EXPULSION
            and any(line.registration_number for line in lines.values()),
        },
        "replaces": (
            {"number": replaced.display_number, "date": ru_date(replaced.dated)}
            if replaced is not None
            else None
        ),
        "centre": {
            "full_name": centre.full_name,
            "position": centre.signatory_position,
            "initials": centre.signatory_initials,
        },
        "program": {
            "title": program.title,
            "level": level,
            "kind": name_of_kind,
            "hours": program.hours,
            # A lazy label: the paper is printed in Russian.
            "document": DocumentKind(program.document_kind).label,
            "qualification": program.qualification,
        },
        "cohort": {
            "code": order.cohort.code,
            "starts_on": ru_date(order.cohort.starts_on),
            "ends_on": ru_date(order.cohort.ends_on),
        },
        "people": people,
    }
