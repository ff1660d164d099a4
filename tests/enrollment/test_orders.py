"""Orders of enrolment, expulsion and completion: who is ready (documents
checked, the contract signed and not overdue, a live offer, СНИЛС; for
completion, studying and paid in full), drafting, signing in one transaction
with a number without gaps, never deleting a signed order, replacing one."""

from __future__ import annotations

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from enrollment import services
from enrollment.models import (
    ApplicationStatus,
    Completion,
    Contract,
    Order,
    StatusChange,
)
from enrollment.selectors import document_checklist
from enrollment.services.contracts import (
    cancel_contract,
    check_signed_contract,
    prepare_contract,
    send_contract,
    upload_signed_contract,
)
from enrollment.services.orders import (
    Numbering,
    discard_draft,
    draft_order,
    draft_replacement,
    sign_order,
)
from enrollment.services.payments import record_payment
from enrollment.services.readiness import not_ready
from programs.models import Cohort, DocumentKind
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
    application = services.accept_offer(application=application)
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


def drafted(cohort, staff, people, kind=Order.Kind.ENROLMENT, **options):
    return draft_order(
        cohort_id=cohort.pk,
        kind=kind,
        applications=people,
        dated=options.pop("dated", TODAY),
        actor=staff,
        **options,
    )


def signed(cohort, staff, people, kind=Order.Kind.ENROLMENT, **options):
    return sign_order(
        order=drafted(cohort, staff, people, kind, **options), actor=staff
    )


def pdf_text(order) -> str:
    with order.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
        return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


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
        drafted(cohort, staff, [good, bad])
    assert bad.applicant.full_name in " ".join(error.value.messages)
    assert not Order.objects.exists()


def test_signing_enrols_everyone_listed_with_the_orders_number(cohort, staff):
    people = [ready(cohort, staff) for _ in range(2)]
    order = signed(cohort, staff, people)
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
    text = pdf_text(order)
    assert "О зачислении на обучение" in text
    assert f"№ {order.display_number}" in text
    assert all(p.applicant.last_name in text for p in people)


def test_signing_checks_again_and_changes_nothing_if_one_is_no_longer_ready(
    cohort, staff
):
    people = [ready(cohort, staff) for _ in range(2)]
    order = drafted(cohort, staff, people)
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
    order = drafted(cohort, staff, [ready(cohort, staff)])
    sign_order(order=order, actor=staff)
    with pytest.raises(ValidationError):
        sign_order(order=order, actor=staff)
    with pytest.raises(ValidationError):
        discard_draft(order=order)
    assert Order.objects.filter(pk=order.pk).exists()


def test_a_draft_may_be_discarded(cohort, staff):
    order = drafted(cohort, staff, [ready(cohort, staff)])
    discard_draft(order=order)
    assert not Order.objects.exists()


def test_an_expulsion_needs_its_ground_and_expels(cohort, staff):
    learner = signed(cohort, staff, [ready(cohort, staff)]).lines.get().application
    with pytest.raises(ValidationError):
        drafted(cohort, staff, [learner], Order.Kind.EXPULSION)
    order = signed(
        cohort, staff, [learner], Order.Kind.EXPULSION, ground=Order.Ground.REQUEST
    )
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

    order = drafted(cohort, staff, [ready(cohort, staff)])
    with pytest.raises(ValidationError) as error:
        attach_signed_scan(order=order, upload=pdf_file(), actor=staff)
    assert error.value.code == "not_signed"
    sign_order(order=order, actor=staff)
    order = attach_signed_scan(order=order, upload=pdf_file(), actor=staff)
    assert order.signed_scan.name.endswith("-signed.pdf")
    with pytest.raises(ValidationError) as error:
        attach_signed_scan(order=order, upload=pdf_file(), actor=staff)
    assert error.value.code == "has_scan"


def studying(cohort, staff, count=1, *, pay=True):
    people = [ready(cohort, staff, pay=pay) for _ in range(count)]
    signed(cohort, staff, people)
    for person in people:
        services.start_studies(application=person, actor=staff)
        person.refresh_from_db()
    return people


NUMBERING = Numbering(
    first_registration_number=17,
    registration_prefix="ПК-",
    blank_series="1234",
    first_blank_number=500,
)


def test_completion_issues_each_document_by_its_number_in_alphabetical_order(
    cohort, staff
):
    people = studying(cohort, staff, 2)
    on = cohort.starts_on + datetime.timedelta(days=30)
    order = signed(
        cohort, staff, people, Order.Kind.COMPLETION, dated=on, numbering=NUMBERING
    )
    first, second = sorted(
        people, key=lambda a: (a.applicant.last_name, a.applicant.first_name, a.pk)
    )
    for person, number, blank in ((first, "ПК-17", "500"), (second, "ПК-18", "501")):
        person.refresh_from_db()
        assert person.status == S.COMPLETED
        document = Completion.objects.get(application=person)
        assert (document.registration_number, document.blank_number) == (number, blank)
        assert (document.issued_on, document.blank_series) == (on, "1234")
        assert document.document_kind == cohort.program.document_kind
    text = pdf_text(order)
    assert "Об отчислении в связи с завершением обучения и выдаче документов" in text
    assert "ПК-17" in text and "1234 501" in text
    label = str(DocumentKind(cohort.program.document_kind).label)
    assert label.lower() in text  # printed in Russian, whatever the staff's language


def test_completion_needs_the_contract_paid_in_full_and_free_numbers(cohort, staff):
    unpaid, paid = studying(cohort, staff, 2, pay=False)
    contract = Contract.objects.get(application=paid)
    record_payment(
        contract=contract,
        amount=contract.price,
        paid_on=TODAY,
        document="п/п 2",
        actor=staff,
    )
    on = cohort.starts_on + datetime.timedelta(days=30)
    assert "договор оплачен не полностью" in not_ready(
        Order.Kind.COMPLETION, unpaid, on=on
    )
    with pytest.raises(ValidationError) as error:
        drafted(cohort, staff, [paid], Order.Kind.COMPLETION, dated=on)
    assert error.value.error_dict["first_registration_number"]
    first = drafted(
        cohort, staff, [paid], Order.Kind.COMPLETION, dated=on, numbering=NUMBERING
    )
    with pytest.raises(ValidationError) as error:
        drafted(
            cohort, staff, [paid], Order.Kind.COMPLETION, dated=on, numbering=NUMBERING
        )
    assert error.value.code == "registration_number_taken"
    assert "ПК-17" in error.value.messages[0]
    sign_order(order=first, actor=staff)
    assert Completion.objects.get().registration_number == "ПК-17"


def test_a_signed_order_is_replaced_by_a_new_one_that_moves_nobody(cohort, staff):
    people = [ready(cohort, staff) for _ in range(2)]
    original = signed(cohort, staff, people)
    with pytest.raises(ValidationError) as error:
        draft_replacement(
            order=drafted(cohort, staff, [ready(cohort, staff)]),
            dated=TODAY,
            actor=staff,
        )
    assert error.value.code == "not_signed"
    replacement = draft_replacement(order=original, dated=TODAY, actor=staff)
    with pytest.raises(ValidationError) as error:
        draft_replacement(order=original, dated=TODAY, actor=staff)
    assert error.value.code == "has_replacement"
    assert sorted(replacement.lines.values_list("application_id", flat=True)) == sorted(
        p.pk for p in people
    )
    moves = StatusChange.objects.count()
    replacement = sign_order(order=replacement, actor=staff)
    original.refresh_from_db()
    assert original.state == Order.State.REPLACED
    assert StatusChange.objects.count() == moves
    text = pdf_text(replacement)
    assert f"Взамен приказа № {original.display_number}" in text
    assert "признать утратившим силу" in text
    assert original.audit.latest().history_change_reason.endswith(
        replacement.display_number
    )
    with pytest.raises(ValidationError):
        draft_replacement(order=original, dated=TODAY, actor=staff)


def test_staff_issue_documents_and_replace_an_order_from_its_pages(
    admin_client, cohort, staff
):
    from django.urls import reverse

    (learner,) = studying(cohort, staff)
    on = cohort.starts_on + datetime.timedelta(days=30)
    url = (
        reverse("admin:enrollment_order_draft") + f"?cohort={cohort.pk}&kind=completion"
    )
    page = admin_client.get(url).content.decode()
    assert learner.applicant.full_name in page
    assert 'name="first_registration_number"' in page
    missing = admin_client.post(
        url, {"dated": on.isoformat(), "applications": [learner.pk]}
    )
    assert missing.status_code == 200
    assert "first_registration_number" in missing.context["form"].errors
    response = admin_client.post(
        url,
        {
            "dated": on.isoformat(),
            "applications": [learner.pk],
            "first_registration_number": "41",
            "registration_prefix": "ПК-",
        },
    )
    order = Order.objects.get(kind=Order.Kind.COMPLETION)
    assert response["Location"].endswith(f"/{order.pk}/change/")
    step = "admin:enrollment_order_step"
    admin_client.post(reverse(step, args=[order.pk, "sign"]))
    assert Completion.objects.get(application=learner).registration_number == "ПК-41"
    page = admin_client.get(reverse("admin:enrollment_order_change", args=[order.pk]))
    assert reverse(step, args=[order.pk, "replace"]) in page.content.decode()
    response = admin_client.post(
        reverse(step, args=[order.pk, "replace"]), {"dated": on.isoformat()}
    )
    replacement = Order.objects.get(replaces=order)
    assert response["Location"].endswith(f"/{replacement.pk}/change/")
    admin_client.post(reverse(step, args=[replacement.pk, "sign"]))
    order.refresh_from_db()
    assert order.state == Order.State.REPLACED


def test_an_expulsion_may_issue_certificates_of_study(cohort, staff):
    first, second = studying(cohort, staff, 2)
    order = signed(
        cohort,
        staff,
        [first, second],
        Order.Kind.EXPULSION,
        ground=Order.Ground.FAILURE,
        numbering=Numbering(first_registration_number=7, registration_prefix="СО-"),
    )
    documents = Completion.objects.filter(application__in=[first, second])
    assert sorted(documents.values_list("registration_number", flat=True)) == [
        "СО-7",
        "СО-8",
    ]
    assert {d.document_kind for d in documents} == {DocumentKind.STUDY_CERTIFICATE}
    assert {d.qualification for d in documents} == {""}
    text = pdf_text(order)
    assert "выдать им справки об обучении" in text and "СО-8" in text
    # Without numbers, an expulsion issues nothing.
    (third,) = studying(cohort, staff, 1)
    signed(cohort, staff, [third], Order.Kind.EXPULSION, ground=Order.Ground.REQUEST)
    assert not Completion.objects.filter(application=third).exists()


def test_staff_number_certificates_of_study_on_the_expulsions_draft(
    admin_client, cohort, staff
):
    from django.urls import reverse

    first, second = studying(cohort, staff, 2)
    url = (
        reverse("admin:enrollment_order_draft") + f"?cohort={cohort.pk}&kind=expulsion"
    )
    page = admin_client.get(url).content.decode()
    assert "справки об обучении" in page or "certificate of study" in page
    assert 'name="blank_series"' not in page
    admin_client.post(
        url,
        {
            "dated": TODAY.isoformat(),
            "ground": Order.Ground.REQUEST,
            "applications": [first.pk],
        },
    )
    admin_client.post(
        url,
        {
            "dated": TODAY.isoformat(),
            "ground": Order.Ground.FAILURE,
            "applications": [second.pk],
            "first_registration_number": "3",
        },
    )
    plain, numbered = Order.objects.filter(kind=Order.Kind.EXPULSION).order_by("pk")
    assert list(plain.lines.values_list("registration_number", flat=True)) == [""]
    assert list(numbered.lines.values_list("registration_number", flat=True)) == ["3"]


def test_staff_may_list_someone_not_ready_with_a_reason_but_never_past_a_hard_rule(
    cohort, staff
):
    complete = ready(cohort, staff)
    waiting = ready(cohort, staff)
    document = waiting.documents.first()
    services.reject_document(document=document, actor=staff, reason="Нечитаемо")
    with pytest.raises(ValidationError) as error:
        drafted(cohort, staff, [complete, waiting])
    assert "укажите причину" in error.value.messages[0]
    order = drafted(
        cohort, staff, [complete, waiting], reason="Оригинал принесёт в первый день"
    )
    line = order.lines.get(application=waiting)
    assert line.exception.startswith("документы не проверены")
    assert line.exception.endswith("Оригинал принесёт в первый день")
    assert order.lines.get(application=complete).exception == ""
    sign_order(order=order, actor=staff)
    last = StatusChange.objects.filter(application=waiting).latest("pk")
    assert last.to_status == S.ENROLLED
    assert "Оригинал принесёт в первый день" in last.comment

    no_snils = ready(cohort, staff)
    Applicant = type(no_snils.applicant)
    Applicant.objects.filter(pk=no_snils.applicant_id).update(snils="")
    with pytest.raises(ValidationError) as error:
        drafted(cohort, staff, [no_snils], reason="Очень нужно")
    assert "укажите причину" not in error.value.messages[0]


def test_an_offer_not_accepted_keeps_a_person_out_without_a_reason(cohort, staff):
    application, _party = prepared(cohort, data=applicant_data(snils=next(SNILS)))
    assert "не принял(а) предложение места" in not_ready(
        Order.Kind.ENROLMENT, application, on=TODAY
    )
