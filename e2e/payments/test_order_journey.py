"""A buyer orders two tickets of two types with a promo code, names the second attendee, pays in the simulator
and sees both tickets, each with its attendee's name and QR, on the dashboard."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations.models import Order, Voucher
from registrations.tests.factories import VoucherFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_buyer_orders_two_tickets_with_a_promo_code_pays_and_sees_both_on_the_dashboard(
    logged_in_page, pay_site, console_errors
):
    event = EventFactory(title="Festival Kopi Nusantara")
    vip = TicketFactory(event=event, name="VIP", price=Decimal("300000"), quota=10, max_per_user=4)
    regular = TicketFactory(event=event, name="Reguler", price=Decimal("100000"), quota=10, max_per_user=4)
    VoucherFactory(event=event, code="KOPI10", kind=Voucher.Kind.PERCENT, value=10)
    buyer = UserFactory(full_name="Ayu Lestari", email="ayu@example.com")
    page = logged_in_page(buyer)

    page.goto(event.get_absolute_url())
    page.get_by_label("Quantity: VIP").select_option("1")
    page.get_by_label("Quantity: Reguler").select_option("1")
    page.get_by_label("Promo code").fill("kopi10")
    page.get_by_role("button", name="Check out").click()

    # The checkout: the totals with the discount, an attendee per ticket, the first the buyer.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your order")
    summary = page.get_by_role("region", name="Festival Kopi Nusantara")
    expect(summary.get_by_text("Rp 400.000")).to_be_visible()
    expect(summary.get_by_text("Discount (KOPI10)")).to_be_visible()
    expect(summary.get_by_text("Rp 360.000")).to_be_visible()
    attendees = page.get_by_role("group")
    expect(attendees).to_have_count(2)
    expect(attendees.nth(0).get_by_label("Attendee name")).to_have_value("Ayu Lestari")
    attendees.nth(1).get_by_label("Attendee name").fill("Budi Santoso")
    attendees.nth(1).get_by_label("Attendee email").fill("budi@example.com")
    page.get_by_role("button", name="Continue to payment").click()

    # The order's one payment, for its total, in the simulator.
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    expect(page.get_by_text("Budi Santoso")).to_be_visible()
    expect(page.locator(".pay-amount")).to_have_text("Rp 360.000")
    page.get_by_role("radio", name=re.compile("QRIS")).check()
    page.get_by_role("button", name=re.compile("Pay now")).click()
    page.wait_for_url(re.compile(r"/simulator/midtrans/snap/v4/redirection/"))
    page.get_by_label("QRIS").check()
    page.get_by_label(re.compile("after a few seconds")).check()
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(r"/checkout/[0-9a-f-]+/success/"), timeout=30_000)
    expect(page.locator(".pay-qr svg")).to_have_count(2)

    page.goto("/dashboard/")
    order = Order.objects.get(user=buyer)
    card = page.locator(f"#order-{order.pk}")
    expect(card.get_by_text(order.number)).to_be_visible()
    for name in ("Ayu Lestari", "Budi Santoso"):
        qr = card.get_by_role("img", name=f"QR ticket of {name} for Festival Kopi Nusantara")
        expect(qr).to_be_visible()
        qr.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    expect(card.get_by_text("Paid", exact=True)).to_have_count(2)

    order.refresh_from_db()
    assert (order.status, order.total, order.discount) == ("paid", 360000, 40000)
    assert set(order.registrations.values_list("attendee_name", flat=True)) == {"Ayu Lestari", "Budi Santoso"}
    assert (Ticket.objects.get(pk=vip.pk).sold, Ticket.objects.get(pk=regular.pk).sold) == (1, 1)
    # One confirmation to the buyer listing both tickets, and Budi's own ticket.
    assert sorted(m.to[0] for m in mail.outbox if "Budi Santoso" in m.body and m.attachments) == [
        "ayu@example.com", "budi@example.com"]
    assert console_errors == []
