"""Contracts: the centre's details, numbering without gaps, the printed text
(names in their case, the sum in words), and every state and refusal."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from pypdf import PdfReader

from core.russian import Case, full_name_in_case, plural, rubles_in_words
from demo.centre import DEMO_CENTRE
from enrollment import services
from enrollment.models import Contract, ContractKind, ContractState, PaperCounter
from enrollment.services.contract_terms import Party, default_party
from enrollment.services.contracts import (
    cancel_contract,
    check_signed_contract,
    correct_contract,
    prepare_contract,
    send_contract,
    upload_signed_contract,
)
from enrollment.services.numbering import next_number
from programs.models import Centre, LearnerCategory
from programs.services import update_centre
from tests.factories import CohortFactory, applicant_data, pdf_file, submit

pytestmark = pytest.mark.django_db

State = ContractState

# The demo centre's details, with the account typed as people type it.
CENTRE = {**DEMO_CENTRE, "account": "4070 2810 9380 0000 0001"}


@pytest.fixture
def centre(admin_user):
    return update_centre(user=admin_user, changes=CENTRE)


@pytest.fixture
def staff(admin_user):
    return services.Actor.staff(admin_user)


def paid_group(price="45300.50", **kwargs):
    cohort = CohortFactory(
        quotas={"personal": 10, "federal": 5, "employer": 5}, **kwargs
    )
    cohort.program.price = Decimal(price)
    cohort.program.save(update_fields=["price"])
    return cohort


def adult(**overrides):
    return Party(
        address="г. Энск, ул. Мира, д. 5, кв. 7",
        identity_document="паспорт 4510 123456",
        **overrides,
    )


def text_of(contract: Contract) -> str:
    with contract.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def prepared(cohort=None, *, stream_code="personal", party=None, **data):
    application = submit(cohort or paid_group(), stream_code=stream_code, **data)
    base = default_party(application)
    extra = party or {}
    filled = {k: v for k, v in adult().__dict__.items() if v}
    merged = Party(**{**base.__dict__, **filled, **extra})
    return application, merged


# --- Russian ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sex", "case", "expected"),
    [
        (
            ("Петрова", "Анна", "Сергеевна"),
            "female",
            Case.GENITIVE,
            "Петровой Анны Сергеевны",
        ),
        (
            ("Иванов", "Иван", "Иванович"),
            "male",
            Case.GENITIVE,
            "Иванова Ивана Ивановича",
        ),
        (("Иванов", "Пётр", "Ильич"), "male", Case.DATIVE, "Иванову Петру Ильичу"),
        (("Бондаренко", "Олег", ""), "male", Case.GENITIVE, "Бондаренко Олега"),
        (
            ("Петров-Водкин", "Кузьма", ""),
            "male",
            Case.INSTRUMENTAL,
            "Петровым-Водкиным Кузьмой",
        ),
    ],
)
def test_names_take_the_case_the_sentence_needs(name, sex, case, expected):
    assert full_name_in_case(*name, sex=sex, case=case) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1", "1 (один) рубль 00 копеек"),
        ("21.01", "21 (двадцать один) рубль 01 копейка"),
        ("45300.50", "45\u00a0300 (сорок пять тысяч триста) рублей 50 копеек"),
        ("2002.03", "2\u00a0002 (две тысячи два) рубля 03 копейки"),
        ("111", "111 (сто одиннадцать) рублей 00 копеек"),
    ],
)
def test_sums_are_written_in_figures_and_in_words(amount, expected):
    assert rubles_in_words(Decimal(amount)) == expected


def test_the_plural_after_a_number():
    forms = ("год", "года", "лет")
    assert [plural(n, *forms) for n in (1, 2, 5, 11, 12, 21, 22, 25, 111)] == [
        "год",
        "года",
        "лет",
        "лет",
        "лет",
        "год",
        "года",
        "лет",
        "лет",
    ]


# --- The centre ---------------------------------------------------------------------


def test_the_centres_numbers_are_checked_by_field(admin_user):
    wrong = {**CENTRE, "inn": "7707083894", "bik": "12345", "ogrn": "1027700132196"}
    with pytest.raises(ValidationError) as error:
        update_centre(user=admin_user, changes=wrong)
    assert {"inn", "bik", "ogrn"} <= set(error.value.message_dict)
    assert not Centre.objects.exists()


def test_an_account_that_does_not_agree_with_the_bik_is_refused(admin_user):
    with pytest.raises(ValidationError) as error:
        update_centre(
            user=admin_user, changes={**CENTRE, "account": "40702810038000000001"}
        )
    assert "account" in error.value.message_dict


def test_the_centre_is_one_row_kept_as_digits_with_its_history(centre, admin_user):
    assert centre.account == "40702810938000000001"
    update_centre(
        user=admin_user, changes={"phone": "+7 (800) 111-11-11"}, reason="new line"
    )
    assert Centre.objects.count() == 1
    last = Centre.audit.latest("history_date")
    assert (last.history_user, last.history_change_reason) == (admin_user, "new line")


# --- Numbering ----------------------------------------------------------------------


def test_numbers_follow_each_other_per_year_and_a_rollback_leaves_no_gap():
    with transaction.atomic():
        assert next_number(PaperCounter.Kind.CONTRACT, 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(PaperCounter.Kind.CONTRACT, 2026)
        raise RuntimeError("the paper failed")
    with transaction.atomic():
        assert next_number(PaperCounter.Kind.CONTRACT, 2026) == 2
        assert next_number(PaperCounter.Kind.CONTRACT, 2027) == 1
        assert next_number(PaperCounter.Kind.ORDER, 2026) == 1


def test_a_failed_contract_does_not_use_a_number(centre, staff):
    application, party = prepared()
    with pytest.raises(ValidationError):
        prepare_contract(application=application, actor=staff, party=Party())
    contract = prepare_contract(application=application, actor=staff, party=party)
    assert contract.number == 1


# --- The paper ----------------------------------------------------------------------


def test_an_adults_contract_names_everyone_in_the_right_case(centre, staff):
    application, party = prepared(
        data=applicant_data(
            last_name="Смирнов", first_name="Илья", patronymic="Петрович"
        )
    )
    contract = prepare_contract(
        application=application, actor=staff, party=party, instalments=1
    )
    year = datetime.date.today().year
    assert contract.kind == ContractKind.ADULT
    assert contract.display_number == f"{year}/0001"
    text = text_of(contract)
    assert f"ДОГОВОР № {year}/0001" in text
    assert "об оказании платных образовательных услуг" in text
    assert (
        "в лице директора Петровой Анны Сергеевны, действующей на основании Устава"
        in text
    )
    assert "и Смирнов Илья Петрович, именуемый в дальнейшем «Заказчик»" in text
    assert "45 300 (сорок пять тысяч триста) рублей 50 копеек" in text
    assert "НДС не облагается" in text
    assert "ИНН 7707083893" in text
    with contract.pdf.open("rb") as f:
        from enrollment.papers import sha256

        assert sha256(f.read()) == contract.sha256


def test_a_minors_contract_is_signed_by_the_representative(centre, staff):
    cohort = paid_group(starts_on=datetime.date.today() + datetime.timedelta(days=30))
    cohort.program.min_age = 14
    cohort.program.save(update_fields=["min_age"])
    application, party = prepared(
        cohort,
        data=applicant_data(
            last_name="Козлова",
            first_name="Мария",
            patronymic="Игоревна",
            sex="female",
            birth_date=datetime.date.today().replace(
                year=datetime.date.today().year - 16
            ),
            representative_name="Козлов Игорь Олегович",
            representative_phone="+79001112233",
            representative_email="parent@example.org",
            representative_relation="parent",
            education_level="basic_general",
        ),
        party={"sex": "male", "learner_address": "г. Энск, ул. Мира, д. 5"},
    )
    contract = prepare_contract(
        application=application, actor=staff, party=party, instalments=3
    )
    assert contract.kind == ContractKind.REPRESENTATIVE
    text = text_of(contract)
    assert "Козлов Игорь Олегович, именуемый в дальнейшем «Заказчик»" in text
    assert "законным представителем несовершеннолетней Козловой Марии Игоревны" in text
    assert "трёх экземплярах" in text
    schedule = contract.particulars["schedule"]
    assert len(schedule) == 3
    assert sum(Decimal(p["amount"]) for p in schedule) == Decimal("45300.50")


def test_a_three_party_contract_names_the_employer_and_checks_its_numbers(
    centre, staff
):
    application, party = prepared(
        stream_code="employer",
        data=applicant_data(
            categories=[LearnerCategory.objects.get(code="working_adult")]
        ),
        party={
            "organisation": "АО «Энский станкостроительный завод»",
            "inn": "7707083893",
            "kpp": "773601001",
            "ogrn": "1027700132195",
            "last_name": "Орлов",
            "first_name": "Виктор",
            "patronymic": "Павлович",
            "sex": "male",
            "signatory_position_genitive": "генерального директора",
            "signatory_authority": "Устава",
            "learner_address": "г. Энск, ул. Лесная, д. 2",
        },
    )
    with pytest.raises(ValidationError) as error:
        prepare_contract(
            application=application,
            actor=staff,
            party=Party(**{**party.__dict__, "inn": "123"}),
        )
    assert "inn" in error.value.message_dict
    contract = prepare_contract(application=application, actor=staff, party=party)
    assert contract.kind == ContractKind.EMPLOYER
    text = text_of(contract)
    assert (
        "в лице генерального директора Орлова Виктора Павловича, действующего" in text
    )
    assert "именуемый в дальнейшем «Обучающийся»" in text


def test_a_contract_on_the_federal_project_asks_no_payment(centre, staff):
    application, party = prepared(
        stream_code="federal",
        data=applicant_data(
            birth_date=datetime.date(1960, 1, 1),
            categories=[LearnerCategory.objects.get(code="age_50_plus")],
        ),
    )
    contract = prepare_contract(application=application, actor=staff, party=party)
    assert contract.price == 0
    text = text_of(contract)
    assert "об образовании на обучение" in text
    assert "за счёт средств федерального бюджета" in text
    assert contract.particulars["schedule"] == []


def test_a_stream_without_a_contract_is_refused(centre, staff):
    cohort = CohortFactory(quotas={"regional": 5})
    application = submit(cohort, stream_code="regional")
    with pytest.raises(ValidationError) as error:
        prepare_contract(application=application, actor=staff, party=adult())
    assert error.value.code == "no_contract_needed"


def test_no_contract_before_the_centres_details(staff):
    application, party = prepared()
    with pytest.raises(ValidationError) as error:
        prepare_contract(application=application, actor=staff, party=party)
    assert error.value.code == "no_centre"


def test_the_customer_must_be_complete(centre, staff):
    application, _party = prepared()
    with pytest.raises(ValidationError) as error:
        prepare_contract(
            application=application, actor=staff, party=Party(last_name="Х")
        )
    assert {"address", "identity_document", "first_name"} <= set(
        error.value.message_dict
    )
    assert not Contract.objects.exists()


# --- States -------------------------------------------------------------------------


@pytest.fixture
def contract(centre, staff):
    application, party = prepared()
    return prepare_contract(application=application, actor=staff, party=party)


def test_one_contract_per_application(contract, staff):
    with pytest.raises(ValidationError) as error:
        prepare_contract(application=contract.application, actor=staff, party=adult())
    assert error.value.code == "has_contract"


def test_sent_signed_and_checked(contract, staff, mailoutbox, run_tasks):
    contract = send_contract(contract=contract, actor=staff)
    run_tasks()
    assert contract.state == State.SENT
    assert any(contract.display_number in m.body for m in mailoutbox)
    contract = upload_signed_contract(
        contract=contract,
        upload=pdf_file("signed.pdf"),
        actor=services.Actor.applicant(),
    )
    assert contract.state == State.SIGNED
    assert contract.signed_scan.name.endswith(".pdf")
    contract = check_signed_contract(contract=contract, actor=staff, accepted=True)
    assert contract.state == State.CHECKED
    assert contract.checked_by == staff.user


def test_a_signed_copy_is_not_uploaded_twice(contract, staff):
    send_contract(contract=contract, actor=staff)
    contract = upload_signed_contract(
        contract=contract, upload=pdf_file(), actor=services.Actor.applicant()
    )
    first = (contract.signed_scan.name, contract.signed_sha256)
    with pytest.raises(ValidationError) as error:
        upload_signed_contract(contract=contract, upload=pdf_file(), actor=staff)
    assert error.value.code == "already_signed"
    contract.refresh_from_db()
    assert (contract.signed_scan.name, contract.signed_sha256) == first


def test_nothing_is_signed_before_it_is_sent(contract, staff):
    with pytest.raises(ValidationError) as error:
        upload_signed_contract(contract=contract, upload=pdf_file(), actor=staff)
    assert error.value.code == "wrong_state"


def test_a_file_that_is_not_a_scan_is_refused(contract, staff):
    send_contract(contract=contract, actor=staff)
    page = SimpleUploadedFile("x.pdf", b"<html><script>x</script></html>")
    with pytest.raises(ValidationError):
        upload_signed_contract(contract=contract, upload=page, actor=staff)
    contract.refresh_from_db()
    assert contract.state == State.SENT


def test_a_returned_copy_needs_a_reason_and_the_contract_is_sent_again(contract, staff):
    send_contract(contract=contract, actor=staff)
    upload_signed_contract(contract=contract, upload=pdf_file(), actor=staff)
    with pytest.raises(ValidationError):
        check_signed_contract(contract=contract, actor=staff, accepted=False)
    contract = check_signed_contract(
        contract=contract, actor=staff, accepted=False, reason="Нет подписи на с. 3"
    )
    assert (contract.state, contract.reason, contract.signed_scan.name) == (
        State.SENT,
        "Нет подписи на с. 3",
        "",
    )


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(contract, staff):
    old_sha = contract.sha256
    party = Party(
        **{
            **adult().__dict__,
            "last_name": contract.application.applicant.last_name,
            "first_name": "Пётр",
            "patronymic": "Сергеевич",
            "sex": "male",
            "address": "г. Энск, ул. Новая, д. 9",
        }
    )
    new = correct_contract(contract=contract, actor=staff, party=party, reason="Адрес")
    contract.refresh_from_db()
    assert (contract.state, contract.sha256) == (State.REPLACED, old_sha)
    assert (new.number, new.version, new.replaces) == (contract.number, 2, contract)
    assert new.display_number.endswith("-2")
    assert "ул. Новая, д. 9" in text_of(new)


def test_a_cancelled_contract_keeps_its_number_and_a_new_one_takes_the_next(
    contract, staff
):
    with pytest.raises(ValidationError):
        cancel_contract(contract=contract, actor=staff, reason=" ")
    cancel_contract(contract=contract, actor=staff, reason="Передумал")
    party = Party(
        **{
            **adult().__dict__,
            "last_name": "Иванов",
            "first_name": "Пётр",
            "sex": "male",
        }
    )
    again = prepare_contract(application=contract.application, actor=staff, party=party)
    assert again.number == contract.number + 1
    with pytest.raises(ValidationError):
        send_contract(contract=contract, actor=staff)
