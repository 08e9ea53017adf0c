"""A buyer chooses QRIS, pays on the (simulated) gateway's page behind it (Midtrans) and sees the QR ticket."""

import re

import pytest

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketFactory
from registrations import services as registration_services
from registrations.models import Registration

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_buyer_pays_with_qris_and_sees_the_qr_ticket(logged_in_page, pay_site):
    ticket = TicketFactory(name="Reguler", quota=5)
    buyer = UserFactory()
    registration = registration_services.reserve(ticket=ticket, user=buyer)
    page = logged_in_page(buyer)

    page.goto(f"/checkout/{registration.pk}/")
    # The buyer chooses how to pay, never a gateway's name.
    assert "Midtrans" not in page.content() and "Xendit" not in page.content()
    page.get_by_role("radio", name=re.compile("QRIS")).check()
    page.get_by_role("button", name=re.compile("Pay now|Bayar")).click()

    # The gateway's page: choose QRIS and pay; its notification comes a few seconds later.
    page.wait_for_url(re.compile(r"/simulator/midtrans/snap/v4/redirection/"))
    page.get_by_label("QRIS").check()
    page.get_by_label(re.compile("after a few seconds")).check()
    page.get_by_role("button", name="Pay", exact=True).click()

    # Back on our pending page, which follows the payment until the webhook confirms it.
    page.wait_for_url(re.compile(rf"/checkout/{registration.pk}/pending/"))
    page.wait_for_url(re.compile(rf"/checkout/{registration.pk}/success/"), timeout=30_000)
    qr = page.locator("#ticket-qr svg")
    qr.wait_for(state="visible")
    assert qr.bounding_box()["width"] > 100
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PAID
    assert page.get_by_text(registration.qr_code).is_visible()
