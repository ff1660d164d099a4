"""A large export in the browser: it is made in the background, its progress
bar fills without reloading the page, and the file downloads from there."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from copp import roles
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_journeys import log_in, staff_member
from tests.factories import CohortFactory, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


def test_a_large_export_fills_its_progress_bar_and_downloads(page, settings, run_tasks):
    settings.EXPORT_IN_BACKGROUND_ROWS = 3
    cohort = CohortFactory()
    for n in range(6):
        submit(cohort, last_name=f"Выгрузкин{n}")
    staff_member("intake", roles.INTAKE)
    log_in(page, "intake", "/admin/enrollment/application/")
    page.get_by_role("link", name="Выгрузить в CSV").click()

    expect(page.get_by_role("heading", name="Мои выгрузки")).to_be_visible()
    expect(page.get_by_text("готовится в фоне")).to_be_visible()
    bar = page.locator("progress")
    expect(bar).to_have_attribute("value", "0")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export-waiting.png"))

    run_tasks()  # the worker makes the file; the page notices by itself
    expect(bar).to_have_attribute("value", "100", timeout=15_000)
    link = page.get_by_role("link", name="Скачать")
    expect(link).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "export-ready.png"))
    with page.expect_download() as download:
        link.click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert len(rows) == 7
    assert any("Выгрузкин5" in cell for row in rows for cell in row)
