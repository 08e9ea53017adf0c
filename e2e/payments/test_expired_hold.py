"""A buyer whose payment window ran out, with no expiry job run since, buys the same last seat again."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_buyer_whose_hold_expired_registers_again_for_the_last_seat(logged_in_page, pay_site):
    event = EventFactory(title="Festival Senja Bali", timezone="Asia/Makassar")
    ticket = TicketFactory(event=event, name="Reguler", quota=1)
    buyer = UserFactory()
    stale = RegistrationFactory(user=buyer, ticket=ticket, expires_at=timezone.now() - datetime.timedelta(minutes=2))
    page = logged_in_page(buyer)

    page.goto("/dashboard/")
    expect(page.get_by_text("You have no upcoming tickets.")).to_be_visible()
    history = page.get_by_role("region", name="Past and cancelled")
    expect(history.get_by_text("Expired", exact=True)).to_be_visible()

    page.get_by_role("link", name="Festival Senja Bali").click()
    page.get_by_role("link", name="Event page").click()
    expect(page.get_by_text("1 seat left")).to_be_visible()
    page.get_by_role("button", name="Register: Reguler").click()

    expect(page).to_have_url(re.compile(r"/checkout/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    assert "You already have a ticket" not in page.content()
    again = Registration.objects.get(user=buyer, status=Registration.Status.PENDING)
    assert again.pk != stale.pk and page.url.endswith(f"/checkout/{again.pk}/")
    stale.refresh_from_db()
    assert (stale.status, stale.cancel_reason) == ("cancelled", "expired")
    assert Ticket.objects.get(pk=ticket.pk).sold == 1
