"""The whole purchase through the real SDKs and the simulator over HTTP: create → pay → signed webhook → paid."""

import pytest

from events.models import Ticket
from payments import attempts
from payments.models import Payment, SimulatedPayment, WebhookEvent
from registrations.models import Registration

from .conftest import METHOD, pay_on_gateway_page, ticket_emails

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_it_pays_a_registration_through_the_gateway_and_emails_the_ticket(site, registration, provider):
    payment, created = attempts.start_payment(registration=registration, provider=provider)

    assert created
    assert payment.status == Payment.Status.PENDING
    assert payment.redirect_url.startswith(f"{site}/simulator/{provider}/")
    assert payment.expires_at == registration.expires_at
    sim = SimulatedPayment.objects.get(order_id=payment.order_id)
    assert sim.amount == registration.amount
    registration.refresh_from_db()
    assert registration.payment_ref == payment.order_id

    answer = pay_on_gateway_page(payment, method=METHOD[provider])

    assert answer.status_code == 302
    assert answer.headers["location"].startswith(f"{site}/checkout/{registration.pk}/pending/")
    payment.refresh_from_db()
    registration.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.paid_at is not None
    assert registration.status == Registration.Status.PAID
    assert registration.payment_ref == payment.order_id
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1
    event = WebhookEvent.objects.get(payment=payment)
    assert (event.verified, event.outcome) == (True, "paid")
    assert len(ticket_emails(registration)) == 1
