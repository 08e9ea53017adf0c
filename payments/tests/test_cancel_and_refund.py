"""A cancelled registration's attempts are closed at the gateway; a staff cancel of a paid one refunds it."""

import datetime

import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Event, Ticket
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


def test_the_cancellation_email_says_how_much_was_refunded_how_and_when(site, registration, settings):
    Event.objects.filter(pk=registration.event_id).update(timezone="Asia/Makassar")
    payment, _ = attempts.start_payment(registration=registration, provider="midtrans")
    pay_on_gateway_page(payment, method="other_qris")
    mail.outbox.clear()

    registration_services.cancel(registration=registration, reason=STAFF)

    payment.refresh_from_db()
    [message] = mail.outbox
    body = " ".join(message.body.split())
    when = timezone.localtime(payment.refunded_at, zoneinfo.ZoneInfo("Asia/Makassar"))
    assert "Rp 150.000" in body and "QRIS" in body and "Midtrans" in body
    assert f"{when.hour}.{when:%M} WITA" in body  # G.i: "9.05", not "09.05"
    html = message.alternatives[0][0]
    assert "Rp 150.000" in html and "QRIS" in html


def test_the_cancellation_email_says_when_the_refund_is_made_by_hand(site, registration):
    payment, _ = attempts.start_payment(registration=registration, provider="xendit")
    pay_on_gateway_page(payment, method=VA_METHOD["xendit"])
    mail.outbox.clear()

    registration_services.cancel(registration=registration, reason=STAFF)

    [message] = mail.outbox
    body = " ".join(message.body.split())
    assert "Rp 150.000" in body
    assert "Pengembalian" in body or "organiser" in body or "penyelenggara" in body
