"""Real-browser tests: Debian's Chromium driven by Playwright against a live server.

A failing test leaves a screenshot and the page's HTML in test-artifacts/e2e/.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts():
    """Artifacts of earlier runs would mislead: start each run with none."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def open_page(browser, base_url: str, width: int = 1280, height: int = 900):
    """A new browser context and page at a size, in Russian; return them and
    the list the page fills with what the Content-Security-Policy blocks
    (whatever it blocks is a defect of the page)."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, locale="ru-RU"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return context, page, blocked


def keep_if_failed(request, page, suffix: str = "") -> None:
    """After a failed test, keep a screenshot and the HTML of ``page``."""
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid) + suffix
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")


@pytest.fixture
def page(request, browser, live_server):
    context, page, blocked = open_page(browser, live_server.url)
    yield page
    keep_if_failed(request, page)
    context.close()
    assert blocked == [], "blocked by the Content-Security-Policy"
