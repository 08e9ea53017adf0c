"""A cancelled registration's attempts are closed at the gateway; a staff cancel of a paid one refunds it."""

import datetime

import pytest
from django.utils import timezone

from events.models import Ticket
from payments import attempts, refunds
from payments.models import Payment, SimulatedPayment
from registrations import services as registration_services
from registrations.models import Registration

from .conftest import METHOD, VA_METHOD, pay_on_gateway_page

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = Registration.CancelReason.STAFF


def test_expiring_a_registration_expires_its_xendit_invoice(site, registration):
    payment, _ = attempts.start_payment(registration=registration, provider="xendit")
    Registration.objects.filter(pk=registration.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    registration_services.expire_stale()

    assert SimulatedPayment.objects.get(order_id=payment.order_id).status == "EXPIRED"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPIRED


def test_cancelling_expires_an_open_midtrans_transaction(site, registration):
    payment, _ = attempts.start_payment(registration=registration, provider="midtrans")
    pay_on_gateway_page(payment, method="bni_va", action="choose")

    registration_services.cancel(registration=registration)

    assert SimulatedPayment.objects.get(order_id=payment.order_id).status == "expire"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPIRED


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_a_staff_cancel_of_a_paid_registration_refunds_through_the_gateway(site, registration, provider):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    pay_on_gateway_page(payment, method=METHOD[provider])

    registration_services.cancel(registration=registration, reason=STAFF)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.refund_ref and payment.refunded_at
    assert "Refunded through" in payment.note
    assert SimulatedPayment.objects.get(order_id=payment.order_id).refund_id
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 0


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_a_payment_the_gateway_cannot_refund_is_flagged_for_a_manual_refund(site, registration, provider, staff):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    pay_on_gateway_page(payment, method=VA_METHOD[provider])

    registration_services.cancel(registration=registration, reason=STAFF)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.NEEDS_REFUND
    assert "Refund by hand needed" in payment.note
    assert refunds.record_manual_refund(payment=payment, by=staff, note="BCA transfer 12/01")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert "BCA transfer 12/01" in payment.note
