"""The same paid webhook delivered from 10 threads at once: exactly one transition, one email."""


import pytest

from events.models import Ticket
from payments import attempts
from payments.models import Payment, WebhookEvent
from registrations.models import Registration

from .conftest import METHOD, midtrans_notification, pay_on_gateway_page, post_webhook, ticket_emails, xendit_callback

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_ten_concurrent_deliveries_apply_one_transition(site, registration, provider, race):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    pay_on_gateway_page(payment, method=METHOD[provider], notify="never")
    body = midtrans_notification(payment) if provider == "midtrans" else xendit_callback(payment)
    answers = race([lambda: post_webhook(site, provider, body)] * 10)

    assert [a.status_code for a in answers] == [200] * 10
    codes = sorted(a.json()["code"] for a in answers)
    assert codes == ["duplicate"] * 9 + ["paid"]
    assert WebhookEvent.objects.filter(payment=payment, outcome="paid").count() == 1
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PAID
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1
    assert len(ticket_emails(registration)) == 1
