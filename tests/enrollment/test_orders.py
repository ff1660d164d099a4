"""Orders of enrolment and expulsion: who is ready (documents checked, the
contract signed and not overdue, a live offer, СНИЛС), drafting, signing in
one transaction with a number without gaps, never deleting a signed order."""

from __future__ import annotations

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from enrollment import services
from enrollment.models import ApplicationStatus, Contract, Order, StatusChange
from enrollment.selectors import document_checklist
from enrollment.services.contracts import (
    cancel_contract,
    check_signed_contract,
    prepare_contract,
    send_contract,
    upload_signed_contract,
)
from enrollment.services.orders import discard_draft, draft_order, not_ready, sign_order
from enrollment.services.payments import record_payment
from programs.models import Cohort
from tests.enrollment.test_contracts import CENTRE, prepared
from tests.factories import CohortFactory, applicant_data, pdf_file

pytestmark = pytest.mark.django_db

S = ApplicationStatus
TODAY = datetime.date.today()
SNILS = itertools.cycle(["11223344595", "12345678964", "08765430300"])


@pytest.fixture
def staff(admin_user):
    from programs.services import update_centre

    update_centre(user=admin_user, changes=CENTRE)
    return services.Actor.staff(admin_user)


@pytest.fixture
def cohort():
    group = CohortFactory(
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        quotas={"personal": 5},
        starts_on=TODAY + datetime.timedelta(days=20),
    )
    group.program.price = Decimal("20000")
    group.program.save(update_fields=["price"])
    return group


def ready(cohort, staff, *, pay=True, snils=None):
    """An applicant with a live offer, every paper checked, a checked contract."""
    application, party = prepared(
        cohort, data=applicant_data(snils=snils or next(SNILS))
    )
    assert application.status == S.OFFERED
    for item in document_checklist(application):
        if item.required and not item.documents:
            services.upload_document(
                application=application, kind=item.kind, upload=pdf_file()
            )
    for document in application.documents.all():
        services.verify_document(document=document, actor=staff)
    contract = prepare_contract(application=application, actor=staff, party=party)
    send_contract(contract=contract, actor=staff)
    upload_signed_contract(contract=contract, upload=pdf_file(), actor=staff)
    check_signed_contract(contract=contract, actor=staff, accepted=True)
    if pay:
        record_payment(
            contract=contract,
            amount=Decimal("20000"),
            paid_on=TODAY,
            document="п/п 1",
            actor=staff,
        )
    return application


def test_what_keeps_a_person_out_of_an_enrolment_order(cohort, staff):
    application, _party = prepared(cohort)
    reasons = not_ready(Order.Kind.ENROLMENT, application, on=TODAY)
    assert "нет подписанного договора, проверенного сотрудником" in reasons
    assert any(r.startswith("документы не проверены") for r in reasons)
    assert not_ready(Order.Kind.ENROLMENT, ready(cohort, staff), on=TODAY) == []
    late = cohort.starts_on + datetime.timedelta(days=1)
    assert "приказ датирован позже начала занятий" in not_ready(
        Order.Kind.ENROLMENT, ready(cohort, staff), on=late
    )


def test_an_order_listing_someone_not_ready_is_refused_with_the_reason(cohort, staff):
    good = ready(cohort, staff)
    bad, _party = prepared(cohort)
    with pytest.raises(ValidationError) as error:
        draft_order(
            cohort_id=cohort.pk,
            kind=Order.Kind.ENROLMENT,
            applications=[good, bad],
            dated=TODAY,
            actor=staff,
        )
    assert bad.applicant.full_name in " ".join(error.value.messages)
    assert not Order.objects.exists()


def test_signing_enrols_everyone_listed_with_the_orders_number(cohort, staff):
    people = [ready(cohort, staff) for _ in range(2)]
    order = draft_order(
        cohort_id=cohort.pk,
        kind=Order.Kind.ENROLMENT,
        applications=people,
        dated=TODAY,
        actor=staff,
    )
    order = sign_order(order=order, actor=staff)
    assert (order.state, order.number, order.year) == (
        Order.State.SIGNED,
        1,
        TODAY.year,
    )
    for person in people:
        person.refresh_from_db()
        assert person.status == S.ENROLLED
        last = StatusChange.objects.filter(application=person).latest("pk")
        assert order.display_number in last.comment
    with order.pdf.open("rb") as f:
        text = " ".join(PdfReader(io.BytesIO(f.read())).pages[0].extract_text().split())
    assert "О зачислении на обучение" in text
    assert f"№ {order.display_number}" in text
    assert all(p.applicant.last_name in text for p in people)


def test_signing_checks_again_and_changes_nothing_if_one_is_no_longer_ready(
    cohort, staff
):
    people = [ready(cohort, staff) for _ in range(2)]
    order = draft_order(
        cohort_id=cohort.pk,
        kind=Order.Kind.ENROLMENT,
        applications=people,
        dated=TODAY,
        actor=staff,
    )
    contract = Contract.objects.get(application=people[1])
    cancel_contract(contract=contract, actor=staff, reason="Отказ")
    with pytest.raises(ValidationError) as error:
        sign_order(order=order, actor=staff)
    assert people[1].applicant.full_name in " ".join(error.value.messages)
    order.refresh_from_db()
    assert (order.state, order.number) == (Order.State.DRAFT, None)
    people[0].refresh_from_db()
    assert people[0].status == S.OFFERED


def test_an_overdue_payment_keeps_a_person_out(cohort, staff):
    application = ready(cohort, staff, pay=False)
    contract = Contract.objects.get(application=application)
    due = datetime.date.fromisoformat(contract.particulars["schedule"][0]["due"])
    reasons = not_ready(
        Order.Kind.ENROLMENT, application, on=due + datetime.timedelta(days=1)
    )
    assert "просрочена оплата по договору" in reasons
    assert not_ready(Order.Kind.ENROLMENT, application, on=due) == []


def test_a_signed_order_is_never_signed_again_nor_deleted(cohort, staff):
    order = draft_order(
        cohort_id=cohort.pk,
        kind=Order.Kind.ENROLMENT,
        applications=[ready(cohort, staff)],
        dated=TODAY,
        actor=staff,
    )
    sign_order(order=order, actor=staff)
    with pytest.raises(ValidationError):
        sign_order(order=order, actor=staff)
    with pytest.raises(ValidationError):
        discard_draft(order=order)
    assert Order.objects.filter(pk=order.pk).exists()


def test_a_draft_may_be_discarded(cohort, staff):
    order = draft_order(
        cohort_id=cohort.pk,
        kind=Order.Kind.ENROLMENT,
        applications=[ready(cohort, staff)],
        dated=TODAY,
        actor=staff,
    )
    discard_draft(order=order)
    assert not Order.objects.exists()


def test_an_expulsion_needs_its_ground_and_expels(cohort, staff):
    enrol = draft_order(
        cohort_id=cohort.pk,
        kind=Order.Kind.ENROLMENT,
        applications=[ready(cohort, staff)],
        dated=TODAY,
        actor=staff,
    )
    sign_order(order=enrol, actor=staff)
    learner = enrol.lines.get().application
    with pytest.raises(ValidationError):
        draft_order(
            cohort_id=cohort.pk,
            kind=Order.Kind.EXPULSION,
            applications=[learner],
            dated=TODAY,
            actor=staff,
        )
    order = draft_order(
        cohort_id=cohort.pk,
        kind=Order.Kind.EXPULSION,
        applications=[learner],
        dated=TODAY,
        actor=staff,
        ground=Order.Ground.REQUEST,
    )
    order = sign_order(order=order, actor=staff)
    learner.refresh_from_db()
    assert (learner.status, order.number) == (S.EXPELLED, 2)


def test_staff_draft_and_sign_an_order_from_the_groups_page(
    admin_client, cohort, staff
):
    from django.urls import reverse

    good = ready(cohort, staff)
    waiting, _party = prepared(cohort)
    group_page = admin_client.get(
        reverse("admin:programs_cohort_change", args=[cohort.pk])
    )
    draft_url = (
        reverse("admin:enrollment_order_draft") + f"?cohort={cohort.pk}&kind=enrolment"
    )
    assert draft_url.replace("&", "&amp;") in group_page.content.decode()

    page = admin_client.get(draft_url)
    html = page.content.decode()
    assert good.applicant.full_name in html
    assert "no signed contract checked by staff" in html or "нет подписанного" in html

    refused = admin_client.post(
        draft_url, {"dated": TODAY.isoformat(), "applications": [good.pk, waiting.pk]}
    )
    assert refused.status_code == 200
    assert not Order.objects.exists()

    response = admin_client.post(
        draft_url, {"dated": TODAY.isoformat(), "applications": [good.pk]}
    )
    order = Order.objects.get()
    assert response["Location"] == reverse(
        "admin:enrollment_order_change", args=[order.pk]
    )
    sign = reverse("admin:enrollment_order_step", args=[order.pk, "sign"])
    assert admin_client.post(sign).status_code == 302
    good.refresh_from_db()
    assert good.status == S.ENROLLED
    download = admin_client.get(reverse("admin:enrollment_order_file", args=[order.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_signed_orders_scan_is_kept_once(cohort, staff):
    from enrollment.services.orders import attach_signed_scan

    order = draft_order(
        cohort_id=cohort.pk,
        kind=Order.Kind.ENROLMENT,
        applications=[ready(cohort, staff)],
        dated=TODAY,
        actor=staff,
    )
    with pytest.raises(ValidationError) as error:
        attach_signed_scan(order=order, upload=pdf_file(), actor=staff)
    assert error.value.code == "not_signed"
    sign_order(order=order, actor=staff)
    order = attach_signed_scan(order=order, upload=pdf_file(), actor=staff)
    assert order.signed_scan.name.endswith("-signed.pdf")
    with pytest.raises(ValidationError) as error:
        attach_signed_scan(order=order, upload=pdf_file(), actor=staff)
    assert error.value.code == "has_scan"
