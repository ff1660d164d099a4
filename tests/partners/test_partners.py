import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.identifiers import (
    ogrn_check_digit,
    validate_inn,
    validate_kpp,
    validate_ogrn,
)
from partners.models import Agreement, Partner
from tests.factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def organisation(**overrides) -> Partner:
    values = {
        "kind": Partner.Kind.ORGANISATION,
        "full_name": "Акционерное общество «Энский станкостроительный завод»",
        "short_name": "АО «ЭСЗ»",
        "inn": "7707083893",
        "kpp": "773601001",
        "ogrn": "1027700132195",
    }
    values.update(overrides)
    return Partner(**values)


@pytest.mark.parametrize("number", ["7707083893", "123456789047"])
def test_valid_inn(number):
    validate_inn(number)


@pytest.mark.parametrize(
    "number", ["7707083894", "123456789048", "12345", "770708389X"]
)
def test_invalid_inn(number):
    with pytest.raises(ValidationError):
        validate_inn(number)


@pytest.mark.parametrize("number", ["1027700132195", "304500116000157"])
def test_valid_ogrn_and_ogrnip(number):
    validate_ogrn(number)


def test_ogrnip_with_remainder_ten_or_more_is_valid():
    # python-stdnum rejects these; DOMAIN.md's rule takes the remainder mod 10.
    found = []
    for n in range(30000000000000, 30000000000200):
        if n % 13 >= 10:
            found.append(f"{n}{n % 13 % 10}")
    assert found
    for number in found:
        validate_ogrn(number, entrepreneur=True)
        assert ogrn_check_digit(number) == int(number[-1])


@pytest.mark.parametrize(
    ("number", "entrepreneur"),
    [("1027700132196", False), ("2027700132195", False), ("304500116000158", True)],
)
def test_invalid_ogrn(number, entrepreneur):
    with pytest.raises(ValidationError):
        validate_ogrn(number, entrepreneur=entrepreneur)


@pytest.mark.parametrize("kpp", ["773601001", "7736AB001"])
def test_valid_kpp(kpp):
    validate_kpp(kpp)


@pytest.mark.parametrize("kpp", ["77360100", "7736ab001", "77360100A"])
def test_invalid_kpp(kpp):
    with pytest.raises(ValidationError):
        validate_kpp(kpp)


def test_partner_numbers_are_checked_with_messages_on_their_fields():
    partner = organisation(inn="7707083894", kpp="", ogrn="304500116000157")
    with pytest.raises(ValidationError) as excinfo:
        partner.full_clean()
    assert set(excinfo.value.message_dict) >= {"inn", "kpp", "ogrn"}


def test_entrepreneur_has_a_twelve_digit_inn_an_ogrnip_and_no_kpp():
    entrepreneur = organisation(
        kind=Partner.Kind.ENTREPRENEUR,
        inn="123456789047",
        kpp="",
        ogrn="304500116000157",
    )
    entrepreneur.full_clean()
    entrepreneur.kpp = "773601001"
    with pytest.raises(ValidationError) as excinfo:
        entrepreneur.full_clean()
    assert "kpp" in excinfo.value.message_dict


def test_inn_is_unique_and_the_database_checks_the_shape():
    organisation().save()
    with pytest.raises(IntegrityError), transaction.atomic():
        organisation(short_name="Другая").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        organisation(inn="123456789047").save()


def test_admin_shows_clear_errors_and_keeps_the_input(admin_client):
    response = admin_client.post(
        reverse("admin:partners_partner_add"),
        {
            "kind": "organisation",
            "full_name": "ООО «Робот»",
            "short_name": "Робот",
            "inn": "7707083894",
            "kpp": "773601001",
            "ogrn": "1027700132195",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "inn" in form.errors
    assert form["full_name"].value() == "ООО «Робот»"


def _xlsx(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("partners.xlsx", buffer.getvalue())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_previews_reports_each_bad_row_and_saves_the_valid_ones(
    admin_client, fmt
):
    rows = [
        ["ИНН", "КПП", "ОГРН", "Полное наименование", "Краткое наименование", "Вид"],
        ["7707083893", "773601001", "1027700132195", "АО «Завод»", "Завод", "ЮЛ"],
        ["123456789047", "", "304500116000157", "ИП Петров П. П.", "ИП Петров", "ИП"],
        ["7707083894", "773601001", "1027700132195", "ООО «Ошибка»", "Ошибка", "ЮЛ"],
        ["7707083893", "773601001", "1027700132195", "Повтор", "Повтор", "ЮЛ"],
    ]
    if fmt == "csv":
        text = "\n".join(";".join(row) for row in rows)
        upload = SimpleUploadedFile("partners.csv", text.encode("utf-8-sig"))
    else:
        upload = _xlsx(rows)
    url = reverse("admin:partners_partner_import")
    preview = admin_client.post(url, {"file": upload})
    assert preview.status_code == 200
    checked = preview.context["rows"]
    assert [row.is_valid for row in checked] == [True, True, False, False]
    assert any("ИНН" in error for error in checked[2].errors)
    assert any("2" in error for error in checked[3].errors)  # repeats line 2
    assert Partner.objects.count() == 0  # nothing saved before confirming
    admin_client.post(url, {"confirm": "1"})
    assert sorted(Partner.objects.values_list("inn", flat=True)) == [
        "123456789047",
        "7707083893",
    ]


def test_import_refuses_a_file_without_the_needed_columns(admin_client):
    upload = SimpleUploadedFile("x.csv", "Название;Сайт\nА;b\n".encode())
    response = admin_client.post(
        reverse("admin:partners_partner_import"), {"file": upload}
    )
    assert "file" in response.context["form"].errors
    upload = SimpleUploadedFile("x.exe", b"MZ")
    response = admin_client.post(
        reverse("admin:partners_partner_import"), {"file": upload}
    )
    assert "file" in response.context["form"].errors


def test_public_page_lists_public_partners_with_their_programs(client):
    program = ProgramFactory(title="Сварщик")
    hidden = ProgramFactory(title="Черновик", is_published=False)
    shown = organisation(is_public=True)
    shown.save()
    shown.programs.set([program, hidden])
    secret = organisation(
        inn="123456789047",
        kind=Partner.Kind.ENTREPRENEUR,
        kpp="",
        ogrn="304500116000157",
        short_name="Скрытый",
    )
    secret.save()
    response = client.get(reverse("partners:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "АО «ЭСЗ»" in html and "Сварщик" in html
    assert "Скрытый" not in html and "Черновик" not in html
    page = client.get(program.get_absolute_url()).content.decode()
    assert "АО «ЭСЗ»" in page


def test_logo_is_served_only_for_public_partners(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    partner = organisation(is_public=False)
    partner.logo.save("logo.png", SimpleUploadedFile("logo.png", buffer.getvalue()))
    url = reverse("partners:logo", args=[partner.pk])
    assert client.get(url).status_code == 404
    partner.is_public = True
    partner.save()
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    CohortFactory()  # the catalog still renders with partners present
    assert client.get("/").status_code == 200


def test_demo_partners_are_valid_signed_and_created_once():
    import datetime as dt

    from django.core.management import call_command

    from enrollment.models import SeatReservation
    from partners.models import Agreement

    call_command("seed_demo", applications=0, stdout=io.StringIO())
    partners = list(Partner.objects.all())
    assert len(partners) == 6
    for partner in partners:
        partner.full_clean()
    statuses = {a.status_on() for a in Agreement.objects.all()}
    assert {"active", "draft"} <= statuses
    assert Agreement.objects.expiring_within(30).exists()
    assert SeatReservation.objects.exists()
    assert all(r.release_on > dt.date.today() for r in SeatReservation.objects.all())
    call_command("seed_demo", applications=0, stdout=io.StringIO())
    assert Partner.objects.count() == 6


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("inn", "77 0708 3893", "7707083893"),
        ("ogrn", "1 027700 132195", "1027700132195"),
    ],
)
def test_numbers_typed_with_spaces_are_stored_as_digits(field, typed, stored):
    partner = organisation(**{field: typed})
    partner.full_clean()
    partner.save()
    assert getattr(partner, field) == stored


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("inn", "７７０７０８３８９３"),  # full-width digits
        ("ogrn", "１０２７７００１３２１９５"),
        ("kpp", "７７３６０１００１"),
        ("inn", "77070838９3"),
    ],
)
def test_digits_other_than_ascii_get_the_fields_own_message(admin_client, field, value):
    data = {
        "kind": "organisation",
        "full_name": "ООО «Робот»",
        "short_name": "Робот",
        "inn": "7707083893",
        "kpp": "773601001",
        "ogrn": "1027700132195",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    data[field] = value
    response = admin_client.post(reverse("admin:partners_partner_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert "partner_numbers_fit_the_kind" not in str(errors)
    assert Partner.objects.count() == 0


def test_import_confirmation_counts_the_rows_the_preview_refused(admin_client):
    rows = [
        ["ИНН", "КПП", "ОГРН", "Полное наименование", "Краткое наименование", "Вид"],
        ["7707083893", "773601001", "1027700132195", "АО «Завод»", "Завод", "ЮЛ"],
        ["7707083894", "773601001", "1027700132195", "ООО «Ошибка»", "Ошибка", "ЮЛ"],
        ["７７０７０８３８９３", "773601001", "1027700132195", "Широкие", "Ш", "ЮЛ"],
    ]
    url = reverse("admin:partners_partner_import")
    admin_client.post(url, {"file": _xlsx(rows)})
    response = admin_client.post(url, {"confirm": "1"}, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert "1" in message.split(";")[0] and "2" in message.split(";")[1]


def test_the_agreements_page_says_its_state_and_that_it_expires_soon():
    import datetime

    from partners.admin import agreement_state

    today = datetime.date(2026, 11, 30)
    agreement = Agreement(
        number="7",
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2027, 1, 19),
        signed_on=datetime.date(2026, 1, 1),
    )
    style, text = agreement_state(agreement, today)
    assert style == "expiring"
    assert "Действует до 19 января 2027 г." in text and "через 50 дней" in text
    agreement.valid_until = datetime.date(2027, 12, 31)
    assert agreement_state(agreement, today)[0] == "active"
    agreement.valid_until = datetime.date(2026, 11, 1)
    assert agreement_state(agreement, today) == ("expired", "Истекло 1 ноября 2026 г.")
    agreement.signed_on = None
    assert agreement_state(agreement, today)[0] == "draft"
