"""A Bali event at 16.00 WITA reads 16.00 WITA on the site in a browser in Jakarta: list, page, checkout, dashboard."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BALI_16 = datetime.datetime(2031, 5, 1, 8, 0, tzinfo=datetime.UTC)


def test_the_site_shows_a_bali_events_times_in_wita_in_a_jakarta_browser(logged_in_page, pay_site):
    event = EventFactory(title="Festival Senja Bali", timezone="Asia/Makassar", event_date=BALI_16)
    ticket = TicketFactory(event=event, name="Reguler", quota=5)
    buyer = UserFactory()
    page = logged_in_page(buyer, locale="id-ID", timezone_id="Asia/Jakarta")
    assert page.evaluate("new Date('2031-05-01T08:00:00Z').getHours()") == 15

    page.goto("/events/")
    expect(page.locator(".event-card", has_text="Festival Senja Bali")).to_contain_text("16.00 WITA")
    page.goto(event.get_absolute_url())
    expect(page.locator(".facts")).to_contain_text("16.00 WITA")
    page.get_by_role("button", name="Daftar: Reguler").click()

    expect(page).to_have_url(re.compile(r"/checkout/[0-9a-f-]+/$"))
    held = buyer.registrations.get()
    deadline = held.expires_at.astimezone(event.tzinfo)
    expect(page.locator(".pay-hold")).to_contain_text(f"{deadline.hour}.{deadline:%M} WITA")
    expect(page.locator(".pay-summary")).to_contain_text("16.00 WITA")

    page.goto("/dashboard/")
    expect(page.locator(f"#registration-{held.pk}")).to_contain_text("16.00 WITA")
    expect(page.locator(f"#registration-{held.pk}")).to_contain_text(f"{deadline.hour}.{deadline:%M} WITA")
