"""A payment confirmed after the hold expired: a free seat is re-taken, else the payment needs a refund."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import TicketFactory
from payments import attempts
from payments.models import Payment, WebhookEvent
from registrations import services as registration_services
from registrations.models import Registration

from .conftest import METHOD, pay_on_gateway_page

pytestmark = pytest.mark.django_db(transaction=True)


def _expire_while_gateway_unreachable(registration, settings, unreachable):
    """Let the hold run out while the gateway cannot be told to close the attempt (so it stays payable)."""
    settings.MIDTRANS_CORE_BASE_URL = settings.XENDIT_API_HOST = unreachable
    Registration.objects.filter(pk=registration.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert registration_services.expire_stale() == 1
    settings.MIDTRANS_CORE_BASE_URL = settings.XENDIT_API_HOST = ""
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def _webhook_outcome(payment) -> str:
    return WebhookEvent.objects.get(payment=payment).outcome


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_a_late_payment_takes_a_free_seat_again(site, registration, provider, settings, closed_port):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    _expire_while_gateway_unreachable(registration, settings, closed_port)
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 0

    pay_on_gateway_page(payment, method=METHOD[provider])

    assert _webhook_outcome(payment) == "paid"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PAID
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1
    call_command("check_seats")


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_a_late_payment_for_a_sold_out_ticket_needs_a_refund(site, provider, settings, closed_port):
    ticket = TicketFactory(quota=1)
    registration = registration_services.reserve(ticket=ticket, user=UserFactory())
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    _expire_while_gateway_unreachable(registration, settings, closed_port)
    # Somebody else takes the released last seat.
    registration_services.reserve(ticket=ticket, user=UserFactory())
    mail.outbox.clear()

    pay_on_gateway_page(payment, method=METHOD[provider])

    assert _webhook_outcome(payment) == "needs_refund"
    payment.refresh_from_db()
    registration.refresh_from_db()
    assert payment.status == Payment.Status.NEEDS_REFUND
    assert "sold_out" in payment.note
    assert registration.status == Registration.Status.CANCELLED
    assert Ticket.objects.get(pk=ticket.pk).sold == 1
    call_command("check_seats")
    late_emails = [m for m in mail.outbox if m.to == [registration.user.email]]
    assert len(late_emails) == 1
    assert payment.order_id in late_emails[0].body
