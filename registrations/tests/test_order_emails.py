"""The emails of an order: the buyer hears once per order, each attendee with an email of their own gets their ticket."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketFactory
from registrations import services
from registrations.models import Registration

from .factories import VoucherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(full_name="Ayu Lestari", email="ayu@example.com")


@pytest.fixture
def place(buyer, django_capture_on_commit_callbacks):
    event = EventFactory(title="Pekan Raya")
    vip = TicketFactory(event=event, name="VIP", price=Decimal("300000"), max_per_user=4)
    regular = TicketFactory(event=event, name="Reguler", price=Decimal("100000"), max_per_user=4)
    VoucherFactory(event=event, code="HEMAT", kind="fixed", value=50000)

    def make(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.place_order(
                user=buyer, event=event, items=[services.Item(vip, 1), services.Item(regular, 2)],
                attendees=[services.Attendee("Ayu Lestari"), services.Attendee("Budi Santoso", "budi@example.com"),
                           services.Attendee("Citra Dewi")],
                voucher_code="HEMAT", **kwargs,
            )

    return make


def _related_images(message) -> list[str]:
    return [part["Content-ID"] for part in message.message().walk() if part.get_content_type() == "image/png"
            and part.get("Content-ID")]


def test_a_placed_order_sends_the_buyer_one_email_with_every_ticket_and_the_pay_link(place, buyer, checkout_hook):
    order = place()
    (received,) = mail.outbox
    assert received.to == [buyer.email]
    assert order.number in received.subject and "Pekan Raya" in received.subject
    for name in ("Ayu Lestari", "Budi Santoso", "Citra Dewi"):
        assert name in received.body
    assert "Rp 500.000" in received.body and "Rp 450.000" in received.body and "HEMAT" in received.body
    assert f"/checkout/{order.lead_registration().pk}/" in received.body


def test_paying_sends_one_confirmation_to_the_buyer_and_a_ticket_to_the_attendee_with_their_own_email(
    place, buyer, django_capture_on_commit_callbacks
):
    order = place()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_order_paid(order=order)

    assert sorted(m.to[0] for m in mail.outbox) == ["ayu@example.com", "budi@example.com"]
    (confirmation,) = [m for m in mail.outbox if m.to == [buyer.email]]
    (budi,) = [m for m in mail.outbox if m.to == ["budi@example.com"]]
    registrations = list(order.registrations.all())
    assert all(r.qr_code in confirmation.body for r in registrations)
    assert len(_related_images(confirmation)) == 3
    assert [name for name, _content, kind in confirmation.attachments if kind == "application/pdf"]
    budi_ticket = order.registrations.get(attendee_email="budi@example.com")
    assert budi_ticket.qr_code in budi.body and "Budi Santoso" in budi.body
    assert all(r.qr_code not in budi.body for r in registrations if r.pk != budi_ticket.pk)
    assert len(_related_images(budi)) == 1


def test_an_expired_order_sends_one_email(place, buyer, django_capture_on_commit_callbacks):
    order = place()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.expire_orders(now=timezone.now() + datetime.timedelta(hours=2))
    (expired,) = mail.outbox
    assert expired.to == [buyer.email] and order.number in expired.subject
    assert "tidak dibayar tepat waktu" in expired.body


def test_a_cancelled_order_sends_one_email(place, buyer, django_capture_on_commit_callbacks):
    order = place()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_order(order=order, reason=Registration.CancelReason.USER)
    (cancelled,) = mail.outbox
    assert cancelled.to == [buyer.email]
    assert cancelled.subject == f"Pesanan {order.number} dibatalkan: Pekan Raya"
    assert "Budi Santoso" in cancelled.body and "Dibatalkan oleh peserta" in cancelled.body


def test_staff_cancelling_one_ticket_emails_about_that_ticket(place, django_capture_on_commit_callbacks):
    order = place()
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_order_paid(order=order)
    mail.outbox.clear()
    ticket = order.registrations.get(attendee_name="Citra Dewi")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=ticket, reason=Registration.CancelReason.STAFF)
    (cancelled,) = mail.outbox
    assert "Reguler" in cancelled.body
    assert order.registrations.filter(status="paid").count() == 2


def test_a_single_ticket_for_someone_else_confirms_to_the_buyer_and_tickets_the_attendee(
    buyer, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(price=Decimal("0"), name="Gratis")
    with django_capture_on_commit_callbacks(execute=True):
        services.place_order(user=buyer, event=ticket.event, items=[services.Item(ticket, 1)],
                             attendees=[services.Attendee("Dewi", "dewi@example.com")])
    assert sorted(m.to[0] for m in mail.outbox) == ["ayu@example.com", "dewi@example.com"]
