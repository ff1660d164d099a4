"""Accessibility in the browser (ГОСТ Р 52872-2019, WCAG 2.1 AA).

axe-core, installed from the npm registry by `make install` (package.json), is
injected into every public page; the application is completed with the
keyboard alone; errors are announced and linked to their fields; no page
scrolls sideways at 200% zoom or 320 px; the version for the visually
impaired is switched on, set and remembered.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from enrollment.models import Application
from partners.models import Partner
from programs.models import Cohort, ProgramKind
from tests.e2e.axe import axe_violations
from tests.factories import PDF_BYTES, CohortFactory, ProgramFactory, submit

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


def logo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (11, 79, 138)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def site():
    """A small catalog, a partner with a logo and one application."""
    program = ProgramFactory(
        title="Оператор станков с ЧПУ",
        slug="cnc-operator",
        kind=ProgramKind.PO_TRAINING,
    )
    cohort = CohortFactory(
        program=program, admission_mode=Cohort.AdmissionMode.FIRST_COME
    )
    ProgramFactory(
        title="Сварщик ручной дуговой сварки",
        slug="welder",
        kind=ProgramKind.DPO_UPGRADE,
        hours=72,
        price=18000,
    )
    Partner.objects.create(
        kind=Partner.Kind.ORGANISATION,
        full_name="Акционерное общество «Энский станкостроительный завод»",
        short_name="АО «ЭСЗ»",
        inn="7707083893",
        ogrn="1027700132195",
        is_public=True,
        logo=SimpleUploadedFile("logo.png", logo_png(), content_type="image/png"),
    )
    application = submit(cohort, snils="112-233-445 95")
    return {"cohort": cohort, "program": program, "application": application}


def public_pages(site) -> dict[str, str]:
    cohort, application = site["cohort"], site["application"]
    return {
        "home": "/",
        "catalog": "/programs/",
        "catalog searched and filtered": f"/programs/?q=станок&kind={ProgramKind.PO_TRAINING}",
        "program": "/programs/cnc-operator/",
        "partners": "/partners/",
        "application form": f"/apply/{cohort.pk}/",
        "applicant's page": f"/applications/{application.token}/",
        "lost link": "/applications/lost-link/",
        "consent text": "/consent/processing/",
        "not found": "/no-such-page/",
        "home in English": "/en/",
        "application form in English": f"/en/apply/{cohort.pk}/",
    }


def test_axe_finds_nothing_serious_on_public_pages(page, site):
    found = {}
    for name, path in public_pages(site).items():
        page.goto(path)
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert found == {}


def test_axe_finds_nothing_serious_in_the_version_for_the_visually_impaired(page, site):
    found = {}
    for scheme in ("bw", "wb", "blue"):
        page.goto(f"/accessibility/?scheme={scheme}&size=2&next=/")
        for name in ("home", "catalog", "application form", "applicant's page"):
            page.goto(public_pages(site)[name])
            violations = axe_violations(page)
            if violations:
                found[f"{name}, {scheme}"] = violations
    assert found == {}


def test_axe_finds_nothing_serious_on_the_form_with_its_errors(page, site):
    page.goto(f"/apply/{site['cohort'].pk}/")
    page.get_by_role("button", name="Отправить заявку").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert axe_violations(page) == []


# --- Keyboard -----------------------------------------------------------------

FOCUS_VISIBLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {id: element.id, tag: element.tagName, visible: outline};
}"""


def tab_to(page, element_id: str, *, limit: int = 40) -> None:
    """Press Tab until the element has focus; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_VISIBLE)
        if focused["tag"] != "BODY":
            assert focused["visible"], f"focus is not visible on {focused}"
        if focused["id"] == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def choose_file_with_keyboard(page, element_id: str, name: str) -> None:
    tab_to(page, element_id)
    # On a busy machine the first key press can come before the browser is
    # ready to open its dialog; a person would press again, and so do we.
    for attempt in range(3):
        try:
            with page.expect_file_chooser(timeout=5_000) as chooser:
                page.keyboard.press("Space")
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            expect(page.locator(f"#{element_id}")).to_be_focused()
    chooser.value.set_files(
        {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )


def type_date(page, field_id: str, day: datetime.date) -> None:
    """Type a date into the focused date field, as a person does: the field shows
    its parts in the browser's order (headless Chromium: month first), so a
    wrong guess is seen and typed again from the first part."""
    parts = {"day": f"{day.day:02}", "month": f"{day.month:02}", "year": str(day.year)}
    for order in (("day", "month", "year"), ("month", "day", "year")):
        page.keyboard.type("".join(parts[name] for name in order))
        if page.locator(f"#{field_id}").input_value() == day.isoformat():
            return
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
    raise AssertionError(f"could not type {day} into #{field_id}")


def test_the_application_can_be_completed_with_the_keyboard_alone(page, site):
    cohort = site["cohort"]
    page.goto(f"/apply/{cohort.pk}/")
    page.locator("body").focus()
    for element_id, text in [
        ("id_last_name", "Смирнова"),
        ("id_first_name", "Анна"),
    ]:
        tab_to(page, element_id)
        page.keyboard.type(text)
    tab_to(page, "id_birth_date")
    type_date(page, "id_birth_date", datetime.date(1995, 3, 8))
    tab_to(page, "id_sex_0")
    page.keyboard.press("ArrowDown")  # arrows move within the radio group
    for element_id, text in [
        ("id_phone", "8 912 345-67-89"),
        ("id_email", "anna@example.org"),
        ("id_municipality", "г. Энск"),
    ]:
        tab_to(page, element_id)
        page.keyboard.type(text)
    tab_to(page, "id_education_level")
    education = page.locator("#id_education_level")
    for _ in range(10):
        if education.input_value() == "secondary_general":
            break
        page.keyboard.press("ArrowDown")
    choose_file_with_keyboard(page, "id_document_passport", "паспорт.pdf")
    choose_file_with_keyboard(page, "id_document_education", "диплом.pdf")
    tab_to(page, "id_consent_processing")
    page.keyboard.press("Space")
    tab_to(page, "submit-id-submit")
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("Заявка отправлена")
    application = Application.objects.exclude(pk=site["application"].pk).get()
    assert application.applicant.last_name == "Смирнова"
    assert application.applicant.sex == "female"
    assert application.applicant.birth_date == datetime.date(1995, 3, 8)
    assert application.documents.count() == 2


def test_errors_are_announced_and_linked_to_their_fields(page, site):
    page.goto(f"/apply/{site['cohort'].pk}/")
    page.locator("#id_last_name").fill("Смирнова")
    page.locator("#id_snils").fill("112-233-445 96")
    page.get_by_role("button", name="Отправить заявку").click()

    summary = page.locator("#form-errors")
    expect(summary).to_have_attribute("role", "alert")
    # The first field with an error has the focus, so its message is read out.
    expect(page.locator("#id_first_name")).to_be_focused()
    links = summary.get_by_role("link")
    assert links.count() >= 5
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        field = page.locator(target)
        expect(field).to_have_attribute("aria-invalid", "true")
    # Each invalid field names its message through aria-describedby.
    for field_id in ("id_first_name", "id_snils", "id_consent_processing"):
        described = page.locator(f"#{field_id}").get_attribute("aria-describedby")
        messages = " ".join(
            page.locator(f"#{ref}").inner_text() for ref in described.split()
        )
        assert messages.strip(), field_id
    snils_error = page.locator("#id_snils_error")
    expect(snils_error).to_contain_text("контрольное число")
    # A link in the summary takes the keyboard to its field.
    summary.get_by_role("link", name="СНИЛС").click()
    expect(page.locator("#id_snils")).to_be_focused()
    expect(page.locator("#id_last_name")).to_have_value("Смирнова")


# --- Reflow -------------------------------------------------------------------

SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .slice(0, 5)
    .map(e => e.tagName + "." + e.className);
}"""


@pytest.mark.parametrize("width", [320, 640])
def test_no_public_page_scrolls_sideways(browser, live_server, site, width):
    """640 px is a 1280 px screen at 200% zoom; 320 px is the WCAG reflow width."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    try:
        wide = {}
        for version in ("regular", "size=3&scheme=wb&images=off"):
            if version != "regular":
                page.goto(f"/accessibility/?{version}&next=/")
            for name, path in public_pages(site).items():
                page.goto(path)
                overflow = page.evaluate(SIDEWAYS)
                if overflow:
                    wide[f"{name} ({version})"] = overflow
        assert wide == {}
    finally:
        context.close()


# --- The version for the visually impaired --------------------------------------


def root_font_px(page) -> float:
    return page.evaluate(
        "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    )


def colours(page) -> tuple[str, str]:
    return tuple(
        page.evaluate(
            """() => { const s = getComputedStyle(document.body);
                       return [s.color, s.backgroundColor]; }"""
        )
    )


def test_the_version_for_the_visually_impaired_is_set_and_remembered(page, site):
    page.goto("/partners/")
    logo = page.get_by_role("img", name=re.compile("АО «ЭСЗ»"))
    expect(logo).to_be_visible()
    regular = root_font_px(page)

    page.get_by_role("link", name="Версия для слабовидящих").click()
    expect(page).to_have_url(re.compile(r"/partners/$"))
    assert root_font_px(page) > regular
    size = page.get_by_role("group", name="Размер шрифта")
    size.get_by_role("link", name="самый крупный").click()
    assert root_font_px(page) >= 2 * regular
    expect(size.get_by_role("link", name="самый крупный")).to_have_attribute(
        "aria-current", "true"
    )

    schemes = page.get_by_role("group", name="Цвета")
    for name, expected in [
        ("белым по чёрному", ("rgb(255, 255, 255)", "rgb(0, 0, 0)")),
        ("тёмно-синим по голубому", ("rgb(6, 52, 98)", "rgb(157, 209, 255)")),
        ("чёрным по белому", ("rgb(0, 0, 0)", "rgb(255, 255, 255)")),
    ]:
        schemes.get_by_role("link", name=name).click()
        assert colours(page) == expected, name

    page.get_by_role("group", name="Изображения").get_by_role(
        "link", name="скрыть"
    ).click()
    expect(logo).to_be_hidden()
    expect(page.get_by_text("АО «ЭСЗ»").first).to_be_visible()  # the text stays

    # Remembered on every other page, and in a new visit.
    page.get_by_role("link", name="Программы", exact=True).first.click()
    expect(page.locator("html")).to_have_class(
        "a11y a11y-size-3 a11y-scheme-bw a11y-no-images"
    )
    page.goto("/")
    assert root_font_px(page) >= 2 * regular

    page.get_by_role("link", name="Обычная версия").click()
    expect(page.locator("html")).not_to_have_class(re.compile("a11y"))
    assert root_font_px(page) == regular
    page.goto("/partners/")
    expect(logo).to_be_visible()


def test_the_switch_is_on_every_public_page_and_works_from_the_keyboard(page, site):
    for path in public_pages(site).values():
        page.goto(path)
        switch = page.get_by_role(
            "link", name=re.compile("Версия для слабовидящих|visually impaired")
        )
        expect(switch).to_be_visible()
    page.goto("/programs/")
    page.locator("body").focus()
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Версия для слабовидящих")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_class(re.compile(r"\ba11y\b"))
    expect(page).to_have_url(re.compile(r"/programs/$"))
