"""The order service: several tickets at once, limits, promo codes, expiry and cancellation."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations import services
from registrations.models import Order, Registration, Voucher
from registrations.services import Attendee, Item, RegistrationError
from registrations.tests.factories import VoucherFactory

pytestmark = pytest.mark.django_db


def _sold(ticket) -> int:
    return Ticket.objects.get(pk=ticket.pk).sold


@pytest.fixture
def event():
    return EventFactory()


@pytest.fixture
def vip(event):
    return TicketFactory(event=event, name="VIP", price=Decimal(500000), quota=10, max_per_user=4)


@pytest.fixture
def regular(event):
    return TicketFactory(event=event, name="Reguler", price=Decimal(150000), quota=30, max_per_user=4)


def test_an_order_of_two_types_holds_every_seat_and_names_each_attendee(user, event, vip, regular):
    attendees = [Attendee("Budi", "budi@example.com"), Attendee(), Attendee("Citra", "")]

    order = services.place_order(
        user=user, event=event, items=[Item(vip, 1), Item(regular, 2)], attendees=attendees
    )

    assert (order.status, order.subtotal, order.discount, order.total) == ("pending", 800000, 0, 800000)
    assert order.number.startswith("EH-") and order.expires_at > timezone.now()
    tickets = list(order.registrations.order_by("created_at", "amount"))
    assert sorted(r.amount for r in tickets) == [150000, 150000, 500000]
    assert {(r.attendee_name, r.attendee_email) for r in tickets} == {
        ("Budi", "budi@example.com"), (user.full_name, user.email), ("Citra", user.email)
    }
    assert all(r.status == "pending" and r.expires_at == order.expires_at for r in tickets)
    assert (_sold(vip), _sold(regular)) == (1, 2)
    call_command("check_seats")


def test_one_type_sold_out_refuses_the_whole_order_and_holds_nothing(user, event, vip, regular):
    Ticket.objects.filter(pk=vip.pk).update(sold=9)

    with pytest.raises(RegistrationError) as refused:
        services.place_order(user=user, event=event, items=[Item(regular, 2), Item(vip, 2)])

    assert refused.value.code == "sold_out" and "VIP" in str(refused.value.message)
    assert refused.value.extra == {"ticket": str(vip.pk)}
    assert (_sold(vip), _sold(regular)) == (9, 0)
    assert not Order.objects.exists() and not Registration.objects.exists()


def test_limits_per_buyer_across_orders_and_per_order_are_409_limit_exceeded(user, event, vip, regular):
    services.place_order(user=user, event=event, items=[Item(vip, 3)])

    with pytest.raises(RegistrationError) as per_type:
        services.place_order(user=user, event=event, items=[Item(vip, 2)])
    event.max_tickets_per_order = 3
    event.save()
    with pytest.raises(RegistrationError) as per_order:
        services.place_order(user=user, event=event, items=[Item(regular, 4)])

    assert (per_type.value.code, per_type.value.status) == ("limit_exceeded", 409)
    assert "VIP" in str(per_type.value.message) and per_type.value.extra == {"ticket": str(vip.pk)}
    assert per_order.value.code == "limit_exceeded"
    assert (_sold(vip), _sold(regular)) == (3, 0)


@pytest.mark.parametrize(("language", "per_type", "per_order"), [
    ("en", "You can hold at most 1 ticket of VIP.", "One order holds at most 1 ticket."),
    ("id", "Anda boleh memiliki paling banyak 1 tiket VIP.", "Satu pesanan berisi paling banyak 1 tiket."),
])
def test_a_limit_of_one_ticket_is_said_in_the_singular(user, event, vip, regular, language, per_type, per_order):
    Ticket.objects.filter(pk=vip.pk).update(max_per_user=1)
    vip.refresh_from_db()

    with translation.override(language), pytest.raises(RegistrationError) as one_per_buyer:
        services.place_order(user=user, event=event, items=[Item(vip, 2)])
    event.max_tickets_per_order = 1
    event.save()
    with translation.override(language), pytest.raises(RegistrationError) as one_per_order:
        services.place_order(user=user, event=event, items=[Item(regular, 2)])

    assert (one_per_buyer.value.code, str(one_per_buyer.value.message)) == ("limit_exceeded", per_type)
    assert (one_per_order.value.code, str(one_per_order.value.message)) == ("limit_exceeded", per_order)


def test_closed_sales_refuse_the_order(user, event, vip):
    Ticket.objects.filter(pk=vip.pk).update(sales_end=timezone.now() - datetime.timedelta(minutes=1))
    vip.refresh_from_db()

    with pytest.raises(RegistrationError) as refused:
        services.place_order(user=user, event=event, items=[Item(vip, 1)])

    assert refused.value.code == "sales_closed"


def test_a_percentage_voucher_in_any_case_discounts_only_its_ticket_types(user, event, vip, regular):
    voucher = VoucherFactory(event=event, code="Hemat10", kind=Voucher.Kind.PERCENT, value=10, max_uses=5)
    voucher.tickets.set([regular])

    order = services.place_order(
        user=user, event=event, items=[Item(vip, 1), Item(regular, 2)], voucher_code="  hEMAT10 "
    )

    assert (order.subtotal, order.discount, order.total, order.voucher_id) == (800000, 30000, 770000, voucher.pk)
    assert sum(r.amount for r in order.registrations.all()) == order.total
    assert Voucher.objects.get(pk=voucher.pk).used == 1


def test_a_fixed_voucher_never_takes_more_than_the_tickets_cost(user, event, regular):
    VoucherFactory(event=event, code="POTONG", kind=Voucher.Kind.FIXED, value=100000)

    quote = services.quote_order(event=event, items=[Item(regular, 1)], voucher_code="potong")

    assert (quote.subtotal, quote.discount, quote.total) == (150000, 100000, 50000)


@pytest.mark.parametrize(("change", "message"), [
    ({"code": "LAIN"}, "not valid for this event"),
    ({"is_active": False}, "not valid for this event"),
    ({"valid_until": timezone.now() - datetime.timedelta(hours=1),
      "valid_from": timezone.now() - datetime.timedelta(days=1)}, "expired"),
    ({"valid_from": timezone.now() + datetime.timedelta(days=1)}, "not valid yet"),
    ({"max_uses": 0}, "used up"),
])
def test_an_unknown_expired_or_used_up_code_is_400_invalid_voucher(user, event, regular, change, message):
    VoucherFactory(event=event, **{"code": "PROMO", **change})

    with translation.override("en"), pytest.raises(RegistrationError) as refused:
        services.place_order(user=user, event=event, items=[Item(regular, 1)], voucher_code="PROMO")

    assert (refused.value.code, refused.value.status) == ("invalid_voucher", 400)
    with translation.override("en"):
        assert message in str(refused.value.message)
    assert _sold(regular) == 0 and not Order.objects.exists()


def test_a_full_discount_pays_the_order_at_once(user, event, regular, django_capture_on_commit_callbacks):
    VoucherFactory(event=event, code="GRATIS", value=100)

    with django_capture_on_commit_callbacks(execute=True):
        order = services.place_order(user=user, event=event, items=[Item(regular, 2)], voucher_code="gratis")

    assert (order.status, order.total) == ("paid", 0)
    assert set(order.registrations.values_list("status", flat=True)) == {"paid"}
    # One confirmation to the buyer listing both tickets (issue 10: emails follow the order).
    (confirmation,) = mail.outbox
    assert confirmation.to == [user.email]
    assert all(r.qr_code in confirmation.body for r in order.registrations.all())


def test_expiry_releases_every_seat_and_the_voucher_use(user, event, vip, regular):
    voucher = VoucherFactory(event=event, code="SATU", max_uses=1)
    order = services.place_order(user=user, event=event, items=[Item(vip, 1), Item(regular, 2)], voucher_code="SATU")

    assert services.expire_orders(now=order.expires_at + datetime.timedelta(seconds=1)) == 3

    order.refresh_from_db()
    assert order.status == "expired"
    assert set(order.registrations.values_list("cancel_reason", flat=True)) == {"expired"}
    assert (_sold(vip), _sold(regular), Voucher.objects.get(pk=voucher.pk).used) == (0, 0, 0)
    call_command("check_seats")


def test_the_buyer_cancels_a_pending_order_but_not_a_paid_one(user, event, regular):
    order = services.place_order(user=user, event=event, items=[Item(regular, 2)])
    services.cancel_order(order=order)
    order.refresh_from_db()
    assert order.status == "cancelled" and _sold(regular) == 0

    paid = services.place_order(user=user, event=event, items=[Item(regular, 1)])
    services.mark_order_paid(order=paid)
    with pytest.raises(RegistrationError) as refused:
        services.cancel_order(order=paid)
    assert refused.value.code == "not_cancellable"
    services.cancel_order(order=paid, reason=Registration.CancelReason.STAFF)
    paid.refresh_from_db()
    assert paid.status == "refunded" and _sold(regular) == 0


def test_a_late_payment_takes_back_all_the_seats_or_none(user, event, vip, regular):
    order = services.place_order(user=user, event=event, items=[Item(vip, 1), Item(regular, 1)])
    services.expire_orders(now=order.expires_at + datetime.timedelta(seconds=1))
    Ticket.objects.filter(pk=vip.pk).update(sold=10)

    with pytest.raises(RegistrationError) as refused:
        services.mark_order_paid(order=order)
    assert refused.value.code == "sold_out"
    assert _sold(regular) == 0

    Ticket.objects.filter(pk=vip.pk).update(sold=0)
    services.mark_order_paid(order=order)
    order.refresh_from_db()
    assert order.status == "paid" and (_sold(vip), _sold(regular)) == (1, 1)


def test_a_single_registration_is_an_order_of_one(user, regular):
    registration = services.reserve(ticket=regular, user=user)

    order = registration.order
    assert (order.status, order.total, order.registrations.count()) == ("pending", 150000, 1)
    services.mark_paid(registration=registration)
    order.refresh_from_db()
    assert order.status == "paid"
