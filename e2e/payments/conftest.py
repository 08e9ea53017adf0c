"""Fixtures for the payments journey, on top of the shared browser fixtures in e2e/conftest.py."""

import pytest


@pytest.fixture
def pay_site(live_server, settings):
    """The whole app, simulator included, with SITE_URL pointing at the live server."""
    settings.SITE_URL = live_server.url
    settings.PAYMENT_SIMULATOR = True
    settings.MIDTRANS_SNAP_BASE_URL = settings.MIDTRANS_CORE_BASE_URL = settings.XENDIT_API_HOST = ""
    return live_server.url


@pytest.fixture
def logged_in_page(browser, pay_site):
    """Return a function that opens a page logged in as `user` (by session cookie)."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_page(user):
        client = Client()
        client.force_login(user)
        context = browser.new_context(base_url=pay_site, locale="en-US")
        context.set_default_timeout(20_000)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": pay_site}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
