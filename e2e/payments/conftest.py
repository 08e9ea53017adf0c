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
def logged_in_page(logged_in_page, pay_site):
    """e2e/conftest.py's `logged_in_page`, with the payment simulator on."""
    return logged_in_page
