"""The lock order of payments: a webhook confirming an attempt while the buyer starts paying again never deadlocks.

`start_payment` locks the registration and then its live attempts; `confirm`
must take the same locks in the same order. Were it to lock the payment first,
some of these races would end in PostgreSQL's "deadlock detected".
"""

import pytest

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketFactory
from payments import attempts, gateways, transitions
from payments.models import Payment
from registrations import services as registration_services
from registrations.models import Registration

from .conftest import METHOD, pay_on_gateway_page

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 30


def test_start_payment_and_confirm_for_one_registration_never_deadlock(site, race):
    provider = "midtrans"
    ticket = TicketFactory(quota=ROUNDS)
    gateway = gateways.get_gateway(provider)
    for _ in range(ROUNDS):
        registration = registration_services.reserve(ticket=ticket, user=UserFactory())
        payment, _ = attempts.start_payment(registration=registration, provider=provider)
        pay_on_gateway_page(payment, method=METHOD[provider], notify="never")
        paid = gateway.fetch_status(payment)

        # The buyer clicks "pay" again (the live attempt is reused) as the gateway's confirmation arrives.
        started, confirmed = race([
            lambda: attempts.start_payment(registration=registration, provider=provider)[0].pk,
            lambda: transitions.confirm(payment=payment, event=paid),
        ])

        assert started in (payment.pk, "already_paid")
        assert confirmed == "paid"
        assert Registration.objects.get(pk=registration.pk).status == Registration.Status.PAID
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
    ticket.refresh_from_db()
    assert ticket.sold == ROUNDS
