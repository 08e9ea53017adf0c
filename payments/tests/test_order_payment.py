"""One payment per order: its total at the gateway, and the webhook pays every ticket of it."""

from decimal import Decimal

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketFactory
from payments.models import Payment
from payments.tests.conftest import METHOD, pay_on_gateway_page
from registrations import services as registration_services
from registrations.services import Item

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_paying_an_order_pays_all_its_tickets_once(site, provider):
    event = EventFactory()
    vip = TicketFactory(event=event, price=Decimal("500000"), quota=5, max_per_user=4)
    regular = TicketFactory(event=event, price=Decimal("150000"), quota=5, max_per_user=4)
    buyer = UserFactory()
    order = registration_services.place_order(user=buyer, event=event, items=[Item(vip, 1), Item(regular, 2)])
    client = APIClient()
    client.force_authenticate(buyer)

    started = client.post("/api/v1/payments/start/", {"order": str(order.pk), "provider": provider}, format="json")
    # Naming any ticket of the order resumes the same payment.
    ticket = order.registrations.order_by("-pk").first()
    again = client.post("/api/v1/payments/start/", {"registration": str(ticket.pk), "provider": provider},
                        format="json")

    assert started.status_code == 201, started.json()
    assert started.json()["amount"] == "800000"
    assert again.status_code == 200 and again.json()["order_id"] == started.json()["order_id"]
    payment = Payment.objects.get(pk=started.json()["payment"])
    mail.outbox.clear()
    pay_on_gateway_page(payment, method=METHOD[provider])

    order.refresh_from_db()
    assert order.status == "paid"
    assert set(order.registrations.values_list("status", flat=True)) == {"paid"}
    assert Payment.objects.get(pk=payment.pk).status == "paid"


def test_an_order_needs_either_an_order_or_a_registration_and_anothers_is_404(site):
    event = EventFactory()
    ticket = TicketFactory(event=event)
    order = registration_services.place_order(user=UserFactory(), event=event, items=[Item(ticket, 1)])
    client = APIClient()
    client.force_authenticate(UserFactory())

    neither = client.post("/api/v1/payments/start/", {"provider": "midtrans"}, format="json")
    another = client.post("/api/v1/payments/start/", {"order": str(order.pk), "provider": "midtrans"}, format="json")

    assert neither.status_code == 400 and "registration" in neither.json()["fields"]
    assert another.status_code == 404
