"""A Bali event at 16.00 WITA reads 16.00 WITA in the PWA of a browser in Jakarta: lists, event page,
ticket card (with the event's date and place, not the purchase time) and the staff editor."""

import datetime
from decimal import Decimal

import pytest
from harness import app_url, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# 08:00 UTC: 15.00 WIB in Jakarta (the browser), 16.00 WITA in Bali (the event).
BALI_16 = datetime.datetime(2031, 5, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def browser_timezone() -> str:
    return "Asia/Jakarta"


@pytest.fixture
def bali(transactional_db):
    from events.tests.factories import EventFactory, TicketFactory

    event = EventFactory(title="Festival Senja Bali", slug="festival-senja-bali", timezone="Asia/Makassar",
                         event_date=BALI_16, location="Pantai Kuta, Bali")
    TicketFactory(event=event, name="Reguler", price=Decimal("150000"), quota=1)
    return event


def test_the_pwa_shows_a_bali_events_times_in_wita_in_a_jakarta_browser(page, base_url, attendee, bali):
    from registrations import services

    services.mark_paid(registration=services.reserve(ticket=bali.tickets.get(), user=attendee), paid_at=None)
    assert page.evaluate("new Date('2031-05-01T08:00:00Z').getHours()") == 15  # the browser is on WIB

    page.goto(app_url(base_url, "events"))
    card = page.get_by_test_id("event-card").filter(has_text="Festival Senja Bali")
    assert "16.00 WITA" in card.inner_text() and "Habis terjual" in card.inner_text()
    page.goto(app_url(base_url, "events/festival-senja-bali"))
    page.wait_for_selector('[data-testid="ticket-type"]')
    main = page.locator("main").inner_text()
    assert "16.00 WITA" in main and "15.00" not in main
    assert "Habis terjual" in page.get_by_test_id("ticket-type").inner_text()

    login(page, base_url, attendee.email)
    page.goto(app_url(base_url, "dashboard"))
    when = page.get_by_test_id("registration-when")
    when.wait_for()
    assert "16.00 WITA" in when.inner_text() and "Pantai Kuta, Bali" in when.inner_text()


def test_staff_edit_a_bali_event_on_its_own_clock_from_jakarta(page, base_url, staff, bali):
    login(page, base_url, staff.email)
    page.goto(app_url(base_url, "admin/events"))
    page.locator("main").get_by_text("Festival Senja Bali").wait_for()
    assert "16.00 WITA" in page.locator("main").inner_text()
    page.goto(app_url(base_url, "admin/events/festival-senja-bali"))
    date = page.get_by_test_id("event-date")
    date.wait_for()
    assert date.input_value() == "2031-05-01T16:00"
    assert page.get_by_test_id("event-timezone").input_value() == "Asia/Makassar"

    date.fill("2031-05-01T19:30")
    page.get_by_test_id("event-organizer").fill("Sanggar Seni Kuta")
    page.get_by_test_id("event-city").fill("Badung")
    with page.expect_response(lambda r: "/api/v1/events/festival-senja-bali/" in r.url and r.request.method == "PATCH"):
        page.get_by_test_id("event-save").click()
    bali.refresh_from_db()
    assert bali.event_date == datetime.datetime(2031, 5, 1, 11, 30, tzinfo=datetime.UTC)  # 19.30 WITA
    assert (bali.organizer, bali.city) == ("Sanggar Seni Kuta", "Badung")

    # Moving the event to Papua keeps the wall time typed and reads it on WIT.
    page.get_by_test_id("event-timezone").select_option("Asia/Jayapura")
    with page.expect_response(lambda r: "/api/v1/events/festival-senja-bali/" in r.url and r.request.method == "PATCH"):
        page.get_by_test_id("event-save").click()
    bali.refresh_from_db()
    assert (bali.timezone, bali.event_date) == ("Asia/Jayapura", datetime.datetime(2031, 5, 1, 10, 30, tzinfo=datetime.UTC))
