"""manage.py reconcile_payments: settles payments whose webhook never came."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from payments import attempts
from payments.models import Payment, SimulatedPayment, WebhookEvent
from registrations import services as registration_services
from registrations.models import Registration
from registrations.services import Item

from .conftest import METHOD, pay_on_gateway_page, ticket_emails

pytestmark = pytest.mark.django_db(transaction=True)


def _age(payment, minutes):
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_it_settles_a_payment_whose_webhook_was_lost(site, registration, provider):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    pay_on_gateway_page(payment, method=METHOD[provider], notify="never")
    _age(payment, 10)
    out = io.StringIO()

    call_command("reconcile_payments", stdout=out)

    assert "paid: 1" in out.getvalue()
    assert not WebhookEvent.objects.exists()
    payment.refresh_from_db()
    registration.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert registration.status == Registration.Status.PAID
    assert len(ticket_emails(registration)) == 1


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_it_pays_every_ticket_of_an_order_once_when_its_webhook_was_lost(site, provider):
    event = EventFactory()
    vip = TicketFactory(event=event, price=Decimal(500000), quota=5, max_per_user=4)
    regular = TicketFactory(event=event, price=Decimal(150000), quota=5, max_per_user=4)
    order = registration_services.place_order(user=UserFactory(), event=event, items=[Item(vip, 1), Item(regular, 2)])
    payment, _ = attempts.start_payment(registration=order.registrations.first(), provider=provider)
    assert payment.amount == 800000
    pay_on_gateway_page(payment, method=METHOD[provider], notify="never")
    _age(payment, 10)
    first, second = io.StringIO(), io.StringIO()

    call_command("reconcile_payments", stdout=first)
    paid_at = dict(order.registrations.values_list("pk", "paid_at"))
    call_command("reconcile_payments", stdout=second)

    assert "paid: 1" in first.getvalue() and "nothing to do" in second.getvalue()
    order.refresh_from_db()
    assert order.status == "paid"
    assert sorted(order.registrations.values_list("status", flat=True)) == ["paid"] * 3
    assert dict(order.registrations.values_list("pk", "paid_at")) == paid_at and None not in paid_at.values()
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
    assert (Ticket.objects.get(pk=vip.pk).sold, Ticket.objects.get(pk=regular.pk).sold) == (1, 2)
    for registration in order.registrations.all():
        assert len(ticket_emails(registration)) == 1


def test_it_leaves_young_and_unpaid_attempts_alone(site, registration):
    young, _ = attempts.start_payment(registration=registration, provider="xendit")
    out = io.StringIO()

    call_command("reconcile_payments", stdout=out)

    assert "nothing to do" in out.getvalue()
    _age(young, 10)
    call_command("reconcile_payments", stdout=out)
    assert "pending: 1" in out.getvalue()
    assert Payment.objects.get(pk=young.pk).status == Payment.Status.PENDING


def test_it_expires_an_unpaid_attempt_of_an_ended_registration(site, registration):
    payment, _ = attempts.start_payment(registration=registration, provider="midtrans")
    # The buyer chose a bank transfer; the registration was then cancelled while the gateway was unreachable.
    pay_on_gateway_page(payment, method="bca_va", action="choose")
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)
    _age(payment, 10)

    call_command("reconcile_payments", stdout=io.StringIO())

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPIRED
    assert SimulatedPayment.objects.get(order_id=payment.order_id).status == "expire"
