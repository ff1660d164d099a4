"""The back office's screens as each role meets them, at 1366×768 and
1920×1080: no page wider than the window, no title, button or panel on top of
another, nothing blocked by the Content-Security-Policy (the page fixture
fails on it), and a screenshot of each screen kept in
test-artifacts/e2e/screens/ for a person to look at."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from copp import roles
from enrollment import services
from enrollment.models import Order
from enrollment.services.contracts import prepare_contract, send_contract
from enrollment.services.orders import draft_order
from partners.models import Agreement, Partner
from programs.models import Cohort
from programs.services import update_centre
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_journeys import log_in, staff_member
from tests.enrollment.test_contracts import CENTRE, paid_group, prepared
from tests.factories import CohortFactory, pdf_file, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WOMAN = {"first_name": "Анна", "patronymic": "Сергеевна", "sex": "female"}
SIZES = {"1366x768": (1366, 768), "1920x1080": (1920, 1080)}
# What must never lie on top of another: the title, the tools, the panels.
BLOCKS = [
    "#content h1",
    "#content > h2",
    ".object-tools li",
    ".ws-panel > section",
    ".ws-head",
    ".submit-row",
    ".messagelist",
    ".module",
    "#changelist-filter",
    "#changelist .results",
]
OVERLAPS = """(selectors) => {
  const found = [];
  for (const selector of selectors) {
    for (const element of document.querySelectorAll(selector)) {
      // A heading is a block as wide as the page: what must stay clear is its text.
      let r = element.getBoundingClientRect();
      if (/^H[12]$/.test(element.tagName)) {
        const range = document.createRange();
        range.selectNodeContents(element);
        r = range.getBoundingClientRect();
      }
      if (r.width > 0 && r.height > 0) found.push([selector, element, r]);
    }
  }
  const clashes = [];
  for (let i = 0; i < found.length; i++) {
    for (let j = i + 1; j < found.length; j++) {
      const [sa, a, ra] = found[i];
      const [sb, b, rb] = found[j];
      if (a.contains(b) || b.contains(a)) continue;
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (x > 1 && y > 1) clashes.push(`${sa} × ${sb}`);
    }
  }
  return clashes;
}"""


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


def look(page, size: str, name: str) -> None:
    """Keep the screen's picture and check its layout."""
    page.wait_for_load_state("load")
    folder = ARTIFACTS / "screens" / size
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{name}: {wide} px wide"
    assert page.evaluate(OVERLAPS, BLOCKS) == [], name
    # Nor a table that scrolls sideways inside the page.
    scrolled = page.evaluate(
        """() => Array.from(document.querySelectorAll('.results, .tabular, table'))
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => e.className || e.tagName)"""
    )
    assert scrolled == [], f"{name}: {scrolled}"


@pytest.fixture
def intake_world(admin_user):
    """Applications at each step of the intake, and the papers they make."""
    update_centre(user=admin_user, changes=CENTRE)
    staff = services.Actor.staff(admin_user)
    review = CohortFactory(admission_mode=Cohort.AdmissionMode.REVIEW, code="CNC-11")
    new = submit(
        review,
        documents=[("passport", pdf_file())],
        **WOMAN,
        last_name="Новикова",
    )
    offered, party = prepared(
        paid_group(
            admission_mode=Cohort.AdmissionMode.FIRST_COME,
            code="WELD-12",
            starts_on=datetime.date.today() + datetime.timedelta(days=20),
        ),
        last_name="Платонов",
    )
    contract = prepare_contract(application=offered, actor=staff, party=party)
    send_contract(contract=contract, actor=staff)
    budget = CohortFactory(
        code="ROB-13",
        quotas={"regional": 5},
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
    )
    learner = submit(
        budget,
        stream_code="regional",
        **WOMAN,
        last_name="Лебедева",
        snils="112-233-445 95",
    )
    services.accept_offer(application=learner)
    order = draft_order(
        cohort_id=budget.pk,
        kind=Order.Kind.ENROLMENT,
        applications=[learner],
        dated=datetime.date.today(),
        actor=staff,
        reason="Оригинал диплома принесёт в первый день",
    )
    return {
        "new": new,
        "document": new.documents.get(),
        "offered": offered,
        "contract": contract,
        "order": order,
        "cohort": budget,
    }


@pytest.mark.parametrize("size", SIZES)
def test_intake_screens_fit_and_nothing_overlaps(page, size, intake_world):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    staff_member("intake", roles.INTAKE)
    log_in(page, "intake")
    look(page, size, "01-home-queue")
    page.goto(reverse("admin:enrollment_application_changelist"))
    look(page, size, "02-applications")
    w = intake_world
    page.goto(reverse("admin:enrollment_application_change", args=[w["new"].pk]))
    look(page, size, "03-new-application")
    page.goto(
        reverse(
            "admin:enrollment_application_review_document",
            args=[w["new"].pk, w["document"].pk],
        )
    )
    look(page, size, "04-document-check")
    page.goto(reverse("admin:enrollment_application_change", args=[w["offered"].pk]))
    look(page, size, "05-offered-with-contract")
    page.goto(reverse("admin:enrollment_contract_change", args=[w["contract"].pk]))
    look(page, size, "06-contract")
    page.goto(reverse("admin:enrollment_order_change", args=[w["order"].pk]))
    look(page, size, "07-draft-order")
    page.goto(
        reverse("admin:enrollment_order_draft")
        + f"?cohort={w['cohort'].pk}&kind=completion"
    )
    look(page, size, "08-completion-order-draft")
    page.goto(reverse("admin:enrollment_application_history", args=[w["new"].pk]))
    look(page, size, "09-history")


@pytest.mark.parametrize("size", SIZES)
def test_manager_and_partner_screens_fit(page, size, intake_world):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    partner = Partner.objects.create(
        full_name="Акционерное общество «Энский станкостроительный завод»",
        short_name="АО «ЭСЗ»",
        inn="7707083893",
        ogrn="1027700132195",
    )
    agreement = Agreement.objects.create(
        partner=partner,
        kind=Agreement.Kind.NETWORK,
        number="01-СП/2026",
        subject="Сотрудничество в подготовке кадров",
        valid_from=datetime.date.today() - datetime.timedelta(days=300),
        valid_until=datetime.date.today() + datetime.timedelta(days=40),
        signed_on=datetime.date.today() - datetime.timedelta(days=300),
    )
    staff_member("boss", roles.MANAGERS)
    log_in(page, "boss")
    look(page, size, "20-manager-home")
    page.goto(reverse("reports:dashboard"))
    look(page, size, "21-reports")
    page.goto(reverse("admin:programs_cohort_changelist"))
    look(page, size, "22-groups")
    page.context.clear_cookies()
    staff_member("links", roles.PARTNER_RELATIONS)
    log_in(page, "links")
    look(page, size, "30-partners-home")
    page.goto(reverse("admin:partners_partner_change", args=[partner.pk]))
    look(page, size, "31-partner")
    page.goto(reverse("admin:partners_agreement_change", args=[agreement.pk]))
    state = page.locator(".agreement-state")
    assert re.search(r"Истекает через 40 дней", state.inner_text())
    look(page, size, "32-agreement")
