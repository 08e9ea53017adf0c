"""The checkout, pending and success pages of an order of several tickets: one payment, every ticket shown."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketFactory
from registrations import services
from registrations.tests.factories import VoucherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    event = EventFactory(title="Pesta Rakyat")
    vip = TicketFactory(event=event, name="VIP", price=Decimal("300000"), max_per_user=4)
    regular = TicketFactory(event=event, name="Reguler", price=Decimal("100000"), max_per_user=4)
    VoucherFactory(event=event, code="HEMAT", kind="fixed", value=50000)
    return services.place_order(
        user=UserFactory(full_name="Ayu Lestari"), event=event,
        items=[services.Item(vip, 1), services.Item(regular, 2)],
        attendees=[services.Attendee("Ayu Lestari"), services.Attendee("Bima", "bima@example.com"),
                   services.Attendee("Candra")],
        voucher_code="hemat",
    )


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_checkout_of_an_order_lists_its_tickets_and_charges_the_total(order):
    lead = order.lead_registration()
    page = _client(order.user).get(f"/checkout/{lead.pk}/").content.decode()
    assert order.number in page
    assert "Bima" in page and "Candra" in page
    assert "Rp 500.000" in page and "Discount (HEMAT)" in page and "Rp 450.000" in page
    assert "Your seats are held until" in page


def test_any_ticket_of_the_order_leads_to_the_one_checkout(order):
    other = order.registrations.exclude(pk=order.lead_registration().pk).first()
    page = _client(order.user).get(f"/checkout/{other.pk}/").content.decode()
    assert "Rp 450.000" in page and order.number in page


def test_the_success_page_shows_every_ticket_with_its_qr(order):
    services.mark_order_paid(order=order)
    lead = order.lead_registration()
    answer = _client(order.user).get(f"/checkout/{lead.pk}/success/")
    page = answer.content.decode()
    assert answer.status_code == 200
    assert page.count("<svg") == 3
    for registration in order.registrations.all():
        assert registration.qr_code in page and registration.attendee_name in page
    assert "Order" in page and "3 tickets" in page
