"""Demo contracts, payments and an order, made by the services themselves,
so that every paper is a real PDF with its number and checksum."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from enrollment import services
from enrollment.models import Application, ApplicationStatus, Contract, Order
from enrollment.selectors import document_checklist
from enrollment.services.contract_terms import (
    ContractKind,
    Party,
    contract_kind,
    default_party,
)
from enrollment.services.contracts import (
    check_signed_contract,
    prepare_contract,
    send_contract,
    upload_signed_contract,
)
from enrollment.services.orders import draft_order
from enrollment.services.payments import issue_invoices, record_payment
from enrollment.services.readiness import not_ready

from .applications import demo_staff_user

STREETS = ["Заводская", "Литейная", "Машиностроителей", "Токарная", "Сварочная"]


def _scan(title: str) -> SimpleUploadedFile:
    """A one-page PDF standing for a scan, its title in Cyrillic (the papers'
    own font), marked as a demo."""
    picture = Image.new("RGB", (840, 1188), "white")
    draw = ImageDraw.Draw(picture)
    font = settings.PAPER_FONTS_DIR / "pt-serif-cyrillic-400-normal.woff"
    try:
        large, small = (
            ImageFont.truetype(str(font), 36),
            ImageFont.truetype(str(font), 24),
        )
    except OSError:
        large = small = ImageFont.load_default()
    draw.text((80, 80), title, fill="black", font=large)
    draw.text((80, 150), "Образец для демонстрации", fill="#666666", font=small)
    draw.rectangle((80, 220, 760, 1100), outline="#999999", width=3)
    data = io.BytesIO()
    picture.save(data, "PDF")
    return SimpleUploadedFile("scan.pdf", data.getvalue(), "application/pdf")


def _offered(today: datetime.date) -> list[Application]:
    """Adults holding a live offer of a seat under a contract, with СНИЛС."""
    offered = (
        Application.objects.filter(
            status=ApplicationStatus.OFFERED,
            stream__requires_contract=True,
            cohort__starts_on__gt=today,
            applicant__snils__gt="",
        )
        .select_related("applicant", "stream", "cohort__program")
        .order_by("cohort__starts_on", "cohort_id", "pk")
    )
    return [
        a
        for a in offered
        if not a.offer_has_expired() and contract_kind(a) == ContractKind.ADULT
    ]


def _party(application: Application, n: int) -> Party:
    party = default_party(application)
    party.address = f"600000, г. Энск, ул. {STREETS[n % 5]}, д. {10 + n}, кв. {n + 3}"
    party.identity_document = (
        f"паспорт 45 0{n % 10} 12345{n % 10}, выдан ГУ МВД России по Энской "
        f"области 15.0{n % 9 + 1}.2019"
    )
    return party


def _ready_for_enrolment(application: Application, actor: services.Actor) -> None:
    """Every document the application needs, uploaded and checked."""
    for item in document_checklist(application):
        if item.required and not item.documents:
            services.upload_document(
                application=application, kind=item.kind, upload=_scan(item.label)
            )
    for document in application.documents.all():
        services.verify_document(document=document, actor=actor)


def seed_papers(*, today: datetime.date) -> dict[str, int]:
    """Add the demo papers once; the counts of what was made.

    In the group with the most people holding an offer, up to five are at each
    step of a contract (prepared, sent, signed, checked) and those ready wait
    in a draft order of enrolment; two learners paying for themselves
    elsewhere have invoices, one paid in full and one in part."""
    made = {"contracts": 0, "payments": 0, "orders": 0}
    if Contract.objects.exists():
        return made
    offered = _offered(today)
    by_group: dict[int, list[Application]] = {}
    for application in offered:
        by_group.setdefault(application.cohort_id, []).append(application)
    group = max(by_group.values(), key=len, default=[])[:5]
    payers = [a for a in offered if a not in group and a.stream.code == "personal"][:2]
    actor = services.Actor.staff(demo_staff_user())
    contracts = [
        prepare_contract(
            application=application,
            actor=actor,
            party=_party(application, n),
            instalments=2 if application in payers[1:] else 1,
        )
        for n, application in enumerate(group + payers)
    ]
    made["contracts"] = len(contracts)
    # The group's first stays prepared, the second is sent, the third came back
    # signed, the rest are checked; so are the payers'.
    for n, contract in enumerate(contracts):
        if n == 0 and group:
            continue
        send_contract(contract=contract, actor=actor)
        if n == 1:
            continue
        upload_signed_contract(
            contract=contract, upload=_scan("Договор (подписан)"), actor=actor
        )
        if n == 2:
            continue
        check_signed_contract(contract=contract, actor=actor, accepted=True)
        contract.refresh_from_db()
        if contract.price > 0:
            issue_invoices(contract=contract, actor=actor)
            record_payment(
                contract=contract,
                # A contract paid in two parts: the first part.
                amount=Decimal(contract.particulars["schedule"][0]["amount"]),
                paid_on=today,
                document=f"п/п {700 + contract.number}",
                actor=actor,
            )
            made["payments"] += 1
    ready = []
    for application in group[3:]:
        _ready_for_enrolment(application, actor)
        if not not_ready(Order.Kind.ENROLMENT, application, on=today):
            ready.append(application)
    if ready:
        draft_order(
            cohort_id=ready[0].cohort_id,
            kind=Order.Kind.ENROLMENT,
            applications=ready,
            dated=today,
            actor=actor,
        )
        made["orders"] = 1
    return made
