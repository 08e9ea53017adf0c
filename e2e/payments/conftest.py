"""Browser fixtures for the payments journey: headless Chromium (Debian's) driven by Playwright.

To be merged with the shared e2e/conftest.py once it lands; the names here are
distinct (`pay_*`) so both can coexist until then.
"""

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def pay_browser():
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM} (CI=true: browser tests must run)")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in tests are synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def pay_site(live_server, settings):
    """The whole app, simulator included, with SITE_URL pointing at the live server."""
    settings.SITE_URL = live_server.url
    settings.PAYMENT_SIMULATOR = True
    settings.MIDTRANS_SNAP_BASE_URL = settings.MIDTRANS_CORE_BASE_URL = settings.XENDIT_API_HOST = ""
    return live_server.url


@pytest.fixture
def logged_in_page(pay_browser, pay_site):
    """Return a function that opens a page logged in as `user` (by session cookie)."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_page(user):
        client = Client()
        client.force_login(user)
        context = pay_browser.new_context(base_url=pay_site, locale="en-US")
        context.set_default_timeout(20_000)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": pay_site}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
