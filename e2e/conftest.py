"""Shared fixtures for browser tests: headless Chromium (Debian's package) driven by Playwright.

Fixtures (reuse them in any test under e2e/):
- `chromium_path`: the Chromium binary (`$CHROMIUM`, default /usr/bin/chromium). Missing, the test is
  skipped with the reason; with CI=true it fails instead.
- `browser` (session): one headless Chromium for the run.
- `browser_locale`: the language the browser asks for (default "en-US"); override it in a module.
- `context`: a fresh browser context per test (own cookies), its base URL the `live_server`.
- `page`: a page of that context; `page.goto("/events/")` opens the live server's page.
- `console_errors`: the page's console errors and failed requests, to assert the page is clean.
- `logged_in_page`: a function opening a page (in a context of its own) logged in as a user, by session cookie.

Tests need `live_server`, so mark them `@pytest.mark.django_db(transaction=True)` (the server
thread reads what the test commits) and `@pytest.mark.e2e`.
"""

import os
import shutil

import pytest

DEFAULT_CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 15_000


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM", DEFAULT_CHROMIUM)
    resolved = shutil.which(path) or (path if os.access(path, os.X_OK) else None)
    if not resolved:
        _unavailable(f"Chromium not found at {path}: install it ('apt-get install -y chromium') or set CHROMIUM")
    return resolved


@pytest.fixture(scope="session")
def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("The Python 'playwright' package is not installed: run 'make dev-venv'")
    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
    # calls from the test body (SynchronousOnlyOperation); the calls here are in fact synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright, chromium_path):
    browser = _playwright.chromium.launch(executable_path=chromium_path, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def browser_locale() -> str:
    return "en-US"


@pytest.fixture
def context(browser, live_server, browser_locale):
    context = browser.new_context(base_url=live_server.url, locale=browser_locale)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture
def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(f"{request.url}: {request.failure}"))
    page.on("response", lambda response: errors.append(f"{response.url}: {response.status}") if response.status >= 500 else None)
    return errors


@pytest.fixture
def logged_in_page(browser, live_server):
    """Return a function that opens a page logged in as `user` (by session cookie)."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_page(user, *, locale: str = "en-US", **options):
        client = Client()
        client.force_login(user)
        context = browser.new_context(base_url=live_server.url, locale=locale, **options)
        context.set_default_timeout(20_000)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
