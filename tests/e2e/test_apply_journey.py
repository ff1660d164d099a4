"""A person applies online without staff help and follows the application."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from enrollment import services
from enrollment.models import Application
from programs.models import Cohort, FundingSource
from tests.e2e.conftest import ARTIFACTS
from tests.factories import PDF_BYTES, PNG_BYTES, CohortFactory, ProgramFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


@pytest.fixture
def cohort():
    ProgramFactory(title="Сварщик ручной дуговой сварки", slug="welder", price=15000)
    program = ProgramFactory(
        title="Оператор станков с ЧПУ", slug="cnc-operator", min_age=16, price=0
    )
    # Free: the regional budget pays, for anyone the program admits.
    program.funding_sources.set(FundingSource.objects.filter(code="regional"))
    return CohortFactory(
        program=program,
        code="CNC-01",
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        quotas={"regional": 10},
    )


def field(page, label: str):
    """A form field by its visible label; required ones end with an asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def fill_adult(page) -> None:
    field(page, "Фамилия").fill("Смирнова")
    field(page, "Имя").fill("Анна")
    field(page, "Дата рождения").fill("1995-03-08")
    page.get_by_label("Женский").check()
    field(page, "Телефон").fill("8 912 345-67-89")
    field(page, "Электронная почта").fill("anna@example.org")
    field(page, "Муниципальное образование").fill("г. Энск")
    field(page, "Образование").select_option("secondary_general")


def test_person_finds_applies_uploads_what_staff_asked_for_and_accepts(
    page, cohort, admin_user, live_server, run_tasks
):
    # Found by search, then narrowed by a filter.
    page.goto("/")
    page.get_by_label("Поиск программ").fill("станков")
    page.get_by_role("button", name="Найти программу").click()
    page.get_by_label("Стоимость").select_option("free")
    page.get_by_role("button", name="Применить фильтры").click()
    expect(page.get_by_role("status")).to_have_text("Найдена 1 программа")
    page.get_by_role("link", name="Оператор станков с ЧПУ").click()
    # The page's main action: the nearest open group's, at the top.
    page.get_by_role("link", name=re.compile("^Подать заявку в группу")).click()
    expect(page.get_by_role("heading", name="Заявка на обучение")).to_be_visible()
    # An adult does not see the guardian block.
    expect(page.locator("#representative")).to_be_hidden()

    fill_adult(page)
    page.get_by_label("Паспорт или свидетельство о рождении").set_input_files(
        pdf("паспорт.pdf")
    )
    page.get_by_label("Документ об образовании").set_input_files(
        {"name": "attestat.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    page.get_by_label(re.compile("Согласие на обработку персональных данных")).check()
    page.get_by_role("button", name="Отправить заявку").click()

    expect(page.get_by_role("alert")).to_contain_text("Заявка отправлена")
    expect(page.locator(".status-label")).to_have_text("Предложено место")
    application = Application.objects.get()
    assert application.documents.count() == 2

    # Staff find the scan of the school certificate unreadable and ask again.
    education = application.documents.get(kind="education")
    services.reject_document(
        document=education,
        actor=services.Actor.staff(admin_user),
        reason="Скан нечитаемый, пришлите, пожалуйста, заново",
    )

    # The worker sends the e-mail with the secret link; the person opens it later.
    run_tasks()
    link = re.search(r"http://\S+/applications/\S+/", mail.outbox[0].body).group(0)
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(page.get_by_text("паспорт.pdf")).to_be_visible()
    expect(page.get_by_text("Скан нечитаемый")).to_be_visible()

    field(page, "Документ").select_option("education")
    field(page, "Файл").set_input_files(pdf("аттестат.pdf"))
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_role("alert")).to_contain_text("Документ добавлен")
    expect(page.get_by_text("аттестат.pdf")).to_be_visible()
    assert application.documents.filter(kind="education", status="pending").exists()

    page.get_by_role("button", name="Подтвердить место").click()
    expect(page.get_by_role("alert")).to_contain_text("подтвердили")
    application.refresh_from_db()
    assert application.offer_accepted_at is not None


def test_mistakes_are_shown_next_to_their_fields_and_nothing_typed_is_lost(
    page, cohort
):
    page.goto(f"/apply/{cohort.pk}/")
    fill_adult(page)
    young = cohort.starts_on.replace(year=cohort.starts_on.year - 16).isoformat()
    field(page, "Дата рождения").fill(young)
    expect(page.locator("#representative")).to_be_visible()
    field(page, "СНИЛС").fill("112-233-445 96")
    # 20 MB, and a program renamed to look like a PDF.
    page.get_by_label("Паспорт или свидетельство о рождении").set_input_files(
        {
            "name": "паспорт.pdf",
            "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024),
        }
    )
    page.get_by_label("Документ об образовании").set_input_files(
        {
            "name": "diplom.pdf",
            "mimeType": "application/pdf",
            "buffer": b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4096,
        }
    )
    page.get_by_label(re.compile("Согласие на обработку персональных данных")).check()
    page.get_by_role("button", name="Отправить заявку").click()

    expect(page.locator("#form-errors")).to_be_visible()
    for field_id, message in [
        ("id_snils", "контрольное число"),
        ("id_representative_name", "ФИО родителя"),
        ("id_document_passport", "10 МБ"),
        ("id_document_education", "PDF, JPEG и PNG"),
    ]:
        expect(page.locator(f"#{field_id}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#{field_id}_error")).to_contain_text(message)
    # Nothing typed is lost.
    expect(field(page, "Фамилия")).to_have_value("Смирнова")
    expect(field(page, "Электронная почта")).to_have_value("anna@example.org")
    expect(field(page, "СНИЛС")).to_have_value("112-233-445 96")
    expect(field(page, "Дата рождения")).to_have_value(young)
    expect(page.get_by_label("Женский")).to_be_checked()
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    ("width", "height", "version"),
    [
        (390, 844, ""),
        (390, 844, "size=3&scheme=wb&images=on"),
        (1366, 900, ""),
        (1366, 900, "size=2&scheme=bw&images=on"),
    ],
)
def test_files_picked_once_survive_a_mistake_on_a_phone_and_a_desktop(
    page, cohort, live_server, width, height, version
):
    page.set_viewport_size({"width": width, "height": height})
    if version:
        page.context.add_cookies(
            [{"name": "copp_a11y", "value": version, "url": live_server.url}]
        )
    page.goto(f"/apply/{cohort.pk}/")
    # By id: the largest type hyphenates the labels' long words.
    for name, value in [
        ("last_name", "Смирнова"),
        ("first_name", "Анна"),
        ("birth_date", "1995-03-08"),
        ("phone", "12345"),
        ("email", "anna@example.org"),
        ("municipality", "г. Энск"),
    ]:
        page.locator(f"#id_{name}").fill(value)
    page.locator("#id_sex_1").check()
    page.locator("#id_education_level").select_option("secondary_general")
    page.locator("#id_document_passport").set_input_files(pdf("паспорт.pdf"))
    page.locator("#id_document_education").set_input_files(
        {"name": "аттестат.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    page.locator("#id_consent_processing").check()
    page.locator(".application-form [type=submit]").click()

    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("прикреплённые файлы сохранены")
    expect(page.locator("#id_document_passport_kept")).to_contain_text(
        "Прикреплён файл: паспорт.pdf"
    )
    expect(page.locator("#id_document_education_kept")).to_contain_text("аттестат.png")
    # Nothing kept is a link: applicants' files are not served to the form.
    assert page.locator(".staged-file a").count() == 0
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the page is {width_now} px wide"
    folder = ARTIFACTS / "screens" / "public"
    folder.mkdir(parents=True, exist_ok=True)
    kind = "special" if version else "regular"
    page.screenshot(
        path=folder / f"apply-kept-files-{width}-{kind}.png", full_page=True
    )

    page.locator("#id_phone").fill("8 912 345-67-89")
    page.locator(".application-form [type=submit]").click()
    expect(page.get_by_text(re.compile("Ваша заявка № "))).to_be_visible()
    application = Application.objects.get()
    assert sorted(application.documents.values_list("original_name", flat=True)) == [
        "аттестат.png",
        "паспорт.pdf",
    ]
