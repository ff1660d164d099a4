"""The program page as a person sees it: the action for the nearest open group
in the first screen (and, on a phone, all the way down), and «tell me when a
group opens» from the request to the unsubscription."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from programs import services
from programs.models import Cohort, FundingSource, ProgramSubscription
from tests.factories import CohortFactory, ProgramFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

A11Y = "size=3&scheme=wb&images=on"


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def program():
    program = ProgramFactory(
        title="Оператор станков с ЧПУ",
        slug="cnc-operator",
        hours=72,
        price=42000,
        summary="Обучение работе на токарных и фрезерных станках с ЧПУ с нуля.",
        description="\n\n".join(["Программа для тех, кто начинает с нуля. " * 8] * 4),
        outcomes="\n".join(f"Умение номер {n}" for n in range(8)),
    )
    program.funding_sources.set(
        FundingSource.objects.filter(code__in=["federal", "personal"])
    )
    return program


@pytest.fixture
def groups(program):
    """The soonest group's intake is complete; the next one is open; more later."""
    return {
        "complete": CohortFactory(
            program=program,
            code="CNC-01",
            starts_on=days(8),
            status=Cohort.Status.CLOSED,
        ),
        "nearest": CohortFactory(program=program, code="CNC-02", starts_on=days(20)),
        "later": CohortFactory(program=program, code="CNC-03", starts_on=days(50)),
        "opens": CohortFactory(
            program=program,
            code="CNC-04",
            starts_on=days(90),
            applications_open_on=days(30),
        ),
    }


def nearest_action(page):
    """The page's main action: the one visible link to apply for the nearest
    open group (the side column's on a wide screen, the bar's on a phone)."""
    return page.get_by_role("link", name=re.compile(r"^Подать заявку в группу с"))


def is_in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize(
    ("width", "height", "version"),
    [(390, 844, ""), (1366, 900, ""), (390, 844, A11Y), (1366, 900, A11Y)],
    ids=["phone", "desktop", "phone-large-type", "desktop-large-type"],
)
def test_the_nearest_open_groups_apply_link_is_in_the_first_screen(
    page, live_server, groups, width, height, version
):
    page.set_viewport_size({"width": width, "height": height})
    if version:
        page.context.add_cookies(
            [{"name": "copp_a11y", "value": version, "url": live_server.url}]
        )
    page.goto("/programs/cnc-operator/")
    nearest = groups["nearest"]
    link = nearest_action(page)
    expect(link).to_have_count(1)
    expect(link).to_be_visible()
    assert is_in_viewport(page, link)
    start = nearest.starts_on
    expect(link).to_contain_text(f"в группу с {start.day}")
    assert link.get_attribute("href") == f"/apply/{nearest.pk}/"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width < 992:
        # The bar stays at the bottom of the screen while the page scrolls ...
        for y in (900, 2000):
            page.evaluate(f"window.scrollTo(0, {y})")
            assert is_in_viewport(page, link), y
        # ... and comes to rest above the footer, covering nothing for good.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        bar = page.locator(".apply-bar").bounding_box()
        footer = page.locator("footer").bounding_box()
        last_card = page.get_by_role("heading", name="Об обучении").bounding_box()
        assert bar["y"] + bar["height"] <= footer["y"] + 1
        assert last_card["y"] + last_card["height"] <= bar["y"]
        assert is_in_viewport(page, link)
    link.click()
    expect(page).to_have_url(re.compile(rf"/apply/{nearest.pk}/$"))
    expect(page.get_by_role("heading", name="Заявка на обучение")).to_be_visible()


def test_each_group_says_why_it_takes_no_applications(page, groups):
    page.goto("/programs/cnc-operator/")
    complete = page.locator(f"#cohort-{groups['complete'].pk}")
    expect(complete).to_contain_text("Набор в группу завершён")
    expect(complete.get_by_role("link")).to_have_count(0)
    opens = page.locator(f"#cohort-{groups['opens'].pk}")
    expect(opens).to_contain_text(f"Приём откроется {days(30).day}")
    expect(opens.get_by_role("link", name=re.compile("Сообщить"))).to_be_visible()


def test_the_english_page_offers_the_same_action(page, groups):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/en/programs/cnc-operator/")
    link = page.get_by_role("link", name=re.compile(r"^Apply to the group starting"))
    expect(link).to_be_visible()
    assert is_in_viewport(page, link)
    assert link.get_attribute("href").endswith(f"/apply/{groups['nearest'].pk}/")


def test_a_person_asks_to_be_told_confirms_hears_once_and_unsubscribes(
    page, program, run_tasks
):
    opens = CohortFactory(
        program=program,
        code="CNC-05",
        starts_on=days(60),
        applications_open_on=days(10),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/programs/cnc-operator/")
    expect(page.get_by_text("Приём заявок сейчас не идёт")).to_be_visible()
    action = page.get_by_role("link", name="Сообщить об открытии набора").first
    assert is_in_viewport(page, action)
    action.click()
    form = page.locator("#notify")
    email = form.get_by_label(re.compile("Ваша электронная почта"))
    expect(email).to_be_in_viewport()

    # Without the consent: said next to it, the address kept.
    email.fill("anna@example.org")
    form.get_by_role("button", name="Сообщить мне").click()
    expect(page.locator("#notify")).to_contain_text("Без этого согласия")
    expect(
        page.locator("#notify").get_by_text("Без этого согласия")
    ).to_be_in_viewport()
    expect(
        page.locator("#notify").get_by_label(re.compile("Ваша электронная"))
    ).to_have_value("anna@example.org")
    page.locator("#notify").get_by_label(re.compile("Даю согласие")).check()
    page.locator("#notify").get_by_role("button", name="Сообщить мне").click()
    expect(page.get_by_role("heading", name="Проверьте почту")).to_be_visible()

    run_tasks()
    assert len(mail.outbox) == 1
    confirm = re.search(r"https?://\S+/programs/notices/\S+/", mail.outbox[0].body)
    page.goto(re.sub(r"^https?://[^/]+", "", confirm.group(0)))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("heading", name="Адрес подтверждён")).to_be_visible()

    # The group's first day to apply comes: one letter, however often the duty runs.
    services.send_program_notices(today=days(10))
    services.send_program_notices(today=days(11))
    run_tasks()
    assert len(mail.outbox) == 2
    notice = mail.outbox[1]
    assert "CNC-05" in notice.body
    assert opens.get_absolute_url() in notice.body
    unsubscribe = re.search(r"https?://\S+/unsubscribe/", notice.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", unsubscribe))
    page.get_by_role("button", name="Отписаться и удалить мой адрес").click()
    expect(page.get_by_role("heading", name="Вы отписались")).to_be_visible()
    assert not ProgramSubscription.objects.exists()
