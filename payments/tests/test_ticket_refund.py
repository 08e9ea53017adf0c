"""Staff cancel one ticket of a paid order: that ticket's share is refunded through the gateway where it can be,
else flagged for a refund by hand; the order's other tickets stay paid, and the last cancel refunds what is left."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from accounts.tests.factories import AdminFactory, UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from payments import attempts
from payments.models import Payment, Refund, SimulatedPayment
from registrations import hooks
from registrations import services as registration_services
from registrations.models import Order, Registration

from .conftest import METHOD, VA_METHOD, pay_on_gateway_page

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = Registration.CancelReason.STAFF


@pytest.fixture
def paid_order(site):
    """Return a function paying an order of a Rp 300.000 VIP and two Rp 100.000 tickets at `provider` with `method`."""

    def make(provider: str, method: str) -> tuple[Order, Payment]:
        event = EventFactory(title="Pesta Rakyat")
        vip = TicketFactory(event=event, name="VIP", price=Decimal("300000"), max_per_user=4)
        regular = TicketFactory(event=event, name="Reguler", price=Decimal("100000"), max_per_user=4)
        order = registration_services.place_order(
            user=UserFactory(), event=event, items=[registration_services.Item(vip, 1),
                                                    registration_services.Item(regular, 2)],
        )
        payment, _ = attempts.start_payment(registration=order.lead_registration(), provider=provider)
        pay_on_gateway_page(payment, method=method)
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID and payment.amount == 500000
        return order, payment

    return make


def _not_lead(order: Order, ticket_name: str) -> Registration:
    lead = order.lead_registration()
    return order.registrations.exclude(pk=lead.pk).filter(ticket__name=ticket_name).first() or \
        order.registrations.filter(ticket__name=ticket_name).first()


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_cancelling_one_ticket_refunds_its_share_and_keeps_the_others_paid(paid_order, provider):
    order, payment = paid_order(provider, METHOD[provider])
    ticket = order.registrations.filter(ticket__name="VIP").get()

    registration_services.cancel(registration=ticket, reason=STAFF)

    share = Refund.objects.get(payment=payment, registration=ticket)
    assert (share.status, share.amount) == ("refunded", 300000) and share.refund_ref
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    order.refresh_from_db()
    assert order.status == "paid"
    assert sorted(order.registrations.values_list("status", flat=True)) == ["cancelled", "paid", "paid"]
    assert Ticket.objects.get(pk=ticket.ticket_id).sold == 0
    sim = SimulatedPayment.objects.get(order_id=payment.order_id)
    assert sum(Decimal(str(v["amount"] if isinstance(v, dict) else v)) for v in sim.request["_refunds"].values()) \
        == Decimal("300000")
    # The ticket's cancellation says what came back.
    assert hooks.refund_summary(Registration.objects.get(pk=ticket.pk))["amount"] == 300000


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_the_last_ticket_cancelled_refunds_only_what_is_left(paid_order, provider):
    order, payment = paid_order(provider, METHOD[provider])
    first, second, third = order.registrations.order_by("pk")

    registration_services.cancel(registration=second, reason=STAFF)
    registration_services.cancel(registration=third, reason=STAFF)
    left = payment.amount - second.amount - third.amount
    registration_services.cancel(registration=first, reason=STAFF)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert Refund.objects.filter(payment=payment).count() == 2
    order.refresh_from_db()
    assert order.status == "refunded"
    sim = SimulatedPayment.objects.get(order_id=payment.order_id)
    refunded = [Decimal(str(v["amount"] if isinstance(v, dict) else v)) for v in sim.request["_refunds"].values()]
    assert sum(refunded) == payment.amount and left in refunded
    assert hooks.refund_summary(Registration.objects.get(pk=first.pk))["amount"] == left


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_a_ticket_paid_with_a_method_the_gateway_cannot_refund_is_flagged_for_a_refund_by_hand(paid_order, provider):
    order, payment = paid_order(provider, VA_METHOD[provider])
    ticket = order.registrations.filter(ticket__name="Reguler").first()

    registration_services.cancel(registration=ticket, reason=STAFF)

    share = Refund.objects.get(registration=ticket)
    assert (share.status, share.amount) == ("needs_refund", 100000)
    assert "Refund by hand needed" in share.note
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    staff = Client()
    staff.force_login(AdminFactory())
    listed = staff.get("/admin/payments/payment/?needs_refund=yes").content.decode()
    assert payment.order_id in listed


def test_staff_cancel_one_ticket_in_the_admin_and_are_told_about_the_refund(paid_order):
    order, payment = paid_order("midtrans", METHOD["midtrans"])
    ticket = order.registrations.filter(ticket__name="Reguler").first()
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(AdminFactory())
    mail.outbox.clear()

    answer = staff.post("/admin/registrations/registration/", {
        "action": "cancel_and_release_seat", "_selected_action": [str(ticket.pk)], "post": "yes",
    }, follow=True)

    page = answer.content.decode()
    assert "Cancelled 1 registration" in page
    assert "refunded through the gateway (Rp 100.000)" in page
    assert Refund.objects.get(registration=ticket).status == "refunded"
    (email,) = mail.outbox
    assert "Rp 100.000" in email.body and email.to == [order.user.email]
    assert order.registrations.filter(status="paid").count() == 2


def test_staff_cancelling_a_whole_paid_order_refund_it_once_and_email_the_buyer_once(paid_order):
    order, payment = paid_order("midtrans", METHOD["midtrans"])
    mail.outbox.clear()

    registration_services.cancel_order(order=order, reason=STAFF)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and not Refund.objects.exists()
    order.refresh_from_db()
    assert order.status == "refunded"
    (email,) = mail.outbox
    assert email.to == [order.user.email]
    assert email.subject == f"Pesanan {order.number} dibatalkan dan dananya dikembalikan: Pesta Rakyat"
    assert "Rp 500.000" in email.body
