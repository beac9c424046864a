"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

`.ci/install-browser` installs Chromium. Without it the tests skip, and under CI=true the
project's conftest turns that skip into a failure. Screenshots go to tests/e2e/screenshots/.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator

import pytest
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from tests.e2e.browser import (
    AXE_PATH,
    CHECKED,
    CHROMIUM,
    CHROMIUM_ARGS,
    FAILING_IMPACTS,
    FINDINGS,
    LOCALES,
    SCREENSHOTS,
    TIMEOUT_MS,
    serve_axe,
)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, on plain HTTP.

    The server builds its middleware once, as it starts, and SecurityMiddleware reads
    SECURE_SSL_REDIRECT then. This session fixture starts before the project's function-scoped
    `portal_settings` turns the redirect off, so the redirect is turned off here for the start.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def plain_http_cookies(settings) -> None:
    """Session and CSRF cookies without the Secure flag, as the live server is plain HTTP."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """One Chromium per test module.

    Playwright's sync API keeps an asyncio loop running in this thread, so Django refuses ORM
    calls from it (SynchronousOnlyOperation): the test's own and the flush after each test.
    The tests use the database only between browser calls, never alongside them, so that
    check is relaxed while the browser runs; it is back, and the loop gone, after the module.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}: run .ci/install-browser as root")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable]:
    """`new_page(language)`: a page in a browser context of its own, in that language."""
    contexts = []

    def make(language: str = "en"):
        locale = LOCALES[language]
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            extra_http_headers={"Accept-Language": f"{locale},{language};q=0.9"},
            viewport={"width": 1024, "height": 768},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route(f"**{AXE_PATH}", serve_axe)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def pytest_terminal_summary(terminalreporter) -> None:
    """Every axe violation of the run, serious or not, and all details in a JSON file."""
    if not CHECKED:
        return
    terminalreporter.section("axe-core violations (all impacts)")
    blocking = [f for f in FINDINGS if f["impact"] in FAILING_IMPACTS]
    terminalreporter.write_line(
        f"{len(CHECKED)} page states checked, {len(FINDINGS)} violations; serious or critical: "
        f"{sum(f['public'] for f in blocking)} on public pages, "
        f"{sum(not f['public'] for f in blocking)} in the admin (asserted only on the pages "
        "test_browser_admin_accessibility checks)"
    )
    seen = set()
    for finding in FINDINGS:
        key = (finding["rule"], finding["page"], finding["lang"])
        if key in seen:
            continue
        seen.add(key)
        targets = " | ".join(" ".join(map(str, n["target"])) for n in finding["nodes"][:4])
        terminalreporter.write_line(
            f"{finding['impact']:>8} {finding['rule']} [{finding['lang']}] "
            f"{finding['page']}: {targets}"
        )
    SCREENSHOTS.mkdir(exist_ok=True)
    report = SCREENSHOTS / "axe-violations.json"
    report.write_text(json.dumps(FINDINGS, indent=2, ensure_ascii=False), encoding="utf-8")
    terminalreporter.write_line(f"details: {report}")
