"""Fixtures for the PWA browser tests: the generated app served by the real Django
(pytest-django's live server on PostgreSQL) in headless Chromium with a fake camera."""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from harness import FakeCamera, launch_chromium, missing_tools  # noqa: E402


@pytest.fixture(scope="session")
def playwright():
    reason = missing_tools()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture
def camera(tmp_path):
    return FakeCamera(tmp_path / "camera.y4m")


@pytest.fixture
def browser(playwright, camera):
    browser = launch_chromium(playwright, camera)
    yield browser
    browser.close()


@pytest.fixture
def base_url(live_server):
    return live_server.url


class PageProblems:
    """Uncaught errors and failed API answers seen by a page: a test ends by asserting there were none."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.api_failures: list[str] = []
        self.console: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("response", self._response)

    def _response(self, response):
        if "/api/" in response.url and response.status >= 500:
            self.api_failures.append(f"{response.status} {response.request.method} {response.url}")


@pytest.fixture
def gateway(base_url, settings):
    """The payment simulator on the live server, as the gateways' SDKs reach it in development."""
    settings.SITE_URL = base_url
    settings.PAYMENT_SIMULATOR = True
    settings.MIDTRANS_SNAP_BASE_URL = settings.MIDTRANS_CORE_BASE_URL = settings.XENDIT_API_HOST = ""
    return base_url


@pytest.fixture
def browser_timezone() -> str | None:
    """The time zone the browser runs in (None: the machine's); override it in a module."""
    return None


@pytest.fixture
def context(browser, base_url, browser_timezone):
    context = browser.new_context(base_url=base_url, locale="id-ID", service_workers="allow",
                                  **({"timezone_id": browser_timezone} if browser_timezone else {}))
    context.set_default_timeout(15000)
    yield context
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, context):
    page = context.new_page()
    page.problems = PageProblems(page)
    page.on("console", lambda message: page.problems.console.append(f"{message.type}: {message.text}"))
    yield page
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        # Leave what the browser showed for whoever reads the failure.
        shots = Path(settings.VAR_DIR) / "e2e-failures"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shots / f"{request.node.name}.png", full_page=True)
        print(f"screenshot: {shots / f'{request.node.name}.png'}")
        print("console:", *page.problems.console[-30:], sep="\n  ")
    assert page.problems.errors == [], "uncaught errors in the page"
    assert page.problems.api_failures == [], "the API failed"


@pytest.fixture
def staff(transactional_db):
    from accounts.tests.factories import AdminFactory

    return AdminFactory(full_name="Staf Pintu")


@pytest.fixture
def attendee(transactional_db):
    from accounts.tests.factories import UserFactory

    return UserFactory(full_name="Ani Peserta")


@pytest.fixture
def concert(transactional_db):
    from events.tests.factories import EventFactory, TicketFactory

    event = EventFactory(title="Konser Senja", slug="konser-senja")
    TicketFactory(event=event, name="Reguler", price=Decimal("150000"), quota=50)
    return event


@pytest.fixture
def paid_ticket(concert):
    """Make a paid registration for a new attendee through the reservation service."""
    from accounts.tests.factories import UserFactory
    from registrations import services

    ticket = concert.tickets.get(name="Reguler")

    def make(name: str):
        registration = services.reserve(ticket=ticket, user=UserFactory(full_name=name))
        return services.mark_paid(registration=registration, paid_at=None)

    return make


@pytest.fixture
def free_event(transactional_db):
    from events.tests.factories import EventFactory, FreeTicketFactory

    event = EventFactory(
        title="Seminar Gratis", slug="seminar-gratis",
        event_date=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10),
    )
    FreeTicketFactory(event=event, name="Umum", quota=10)
    return event
