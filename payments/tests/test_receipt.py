"""The ticket email is also the receipt: registration and order number, amount, method and gateway, date."""

import zoneinfo

import pytest
from django.utils import timezone

from events.models import Event
from payments import attempts
from payments.models import Payment

from .conftest import pay_on_gateway_page, ticket_emails

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("provider", "method", "name"), [
    ("midtrans", "other_qris", "QRIS melalui Midtrans"),
    ("xendit", "OVO", "OVO melalui Xendit"),
])
def test_the_ticket_email_carries_the_receipt(site, registration, provider, method, name):
    Event.objects.filter(pk=registration.event_id).update(timezone="Asia/Jayapura")
    payment, _ = attempts.start_payment(registration=registration, provider=provider)

    pay_on_gateway_page(payment, method=method)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    registration.refresh_from_db()
    [message] = ticket_emails(registration)
    paid_at = timezone.localtime(registration.paid_at, zoneinfo.ZoneInfo("Asia/Jayapura"))
    for text in (" ".join(message.body.split()), " ".join(message.alternatives[0][0].split())):
        assert "Kuitansi" in text
        assert str(registration.pk) in text
        assert payment.order_id in text
        assert "Rp 150.000" in text
        assert name in text
        # Indonesian times read G.i: "0.07 WIT" just after midnight, "14.05 WIT" in the afternoon.
        assert f"{paid_at.hour}.{paid_at:%M} WIT" in text
