"""Orders racing with real threads, each on its own PostgreSQL connection."""

import datetime
import random

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations import services
from registrations.models import Order, Registration, Voucher
from registrations.services import Item
from registrations.tests.factories import VoucherFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_mixed_baskets_never_oversell_and_never_leave_a_partial_order(race):
    assert connection.vendor == "postgresql"
    event = EventFactory()
    big = TicketFactory(event=event, quota=30, max_per_user=4)
    small = TicketFactory(event=event, quota=10, max_per_user=4)
    shuffle = random.Random(10)
    baskets = []
    for buyer in UserFactory.create_batch(50):
        size = shuffle.randint(1, 4)
        on_small = shuffle.randint(0, size)
        lines = [Item(t, q) for t, q in ((big, size - on_small), (small, on_small)) if q]
        shuffle.shuffle(lines)
        baskets.append((buyer, lines))

    results = race([lambda b=b, lines=lines: services.place_order(user=b, event=event, items=lines)
                    for b, lines in baskets])

    assert set(r for r in results if isinstance(r, str)) <= {"sold_out"}
    for (buyer, lines), result in zip(baskets, results, strict=True):
        held = Registration.objects.filter(user=buyer).count()
        assert held == (sum(line.quantity for line in lines) if isinstance(result, Order) else 0)
    for ticket in (big, small):
        sold = Ticket.objects.get(pk=ticket.pk).sold
        assert sold <= ticket.quota
        assert sold == Registration.objects.filter(ticket=ticket, status__in=Registration.ACTIVE_STATUSES).count()
    assert Ticket.objects.get(pk=small.pk).sold == 10  # 50 baskets ask for far more than 10
    call_command("check_seats")


def test_opposite_baskets_in_a_loop_never_deadlock(race):
    event = EventFactory()
    a = TicketFactory(event=event, quota=1000, max_per_user=1000)
    b = TicketFactory(event=event, quota=1000, max_per_user=1000)
    first, second = UserFactory(), UserFactory()
    event.max_tickets_per_order = 100
    event.save()

    def buy(user, lines):
        for _ in range(15):
            order = services.place_order(user=user, event=event, items=lines)
            services.cancel_order(order=order)
        return "done"

    results = race([lambda: buy(first, [Item(a, 2), Item(b, 3)]), lambda: buy(second, [Item(b, 3), Item(a, 2)])])

    assert results == ["done", "done"]
    assert (Ticket.objects.get(pk=a.pk).sold, Ticket.objects.get(pk=b.pk).sold) == (0, 0)


def test_twenty_orders_for_a_five_use_voucher_exactly_five_get_it_and_expiry_frees_one(race):
    event = EventFactory()
    ticket = TicketFactory(event=event, quota=100)
    voucher = VoucherFactory(event=event, code="LIMA", value=50, max_uses=5)

    results = race([lambda u=u: services.place_order(user=u, event=event, items=[Item(ticket, 1)], voucher_code="lima")
                    for u in UserFactory.create_batch(20)])

    won = [r for r in results if isinstance(r, Order)]
    assert len(won) == 5 and {o.discount for o in won} == {75000}
    assert results.count("invalid_voucher") == 15
    assert Voucher.objects.get(pk=voucher.pk).used == 5
    assert Ticket.objects.get(pk=ticket.pk).sold == 5

    services.expire_orders(ticket=ticket, now=won[0].expires_at + datetime.timedelta(seconds=1))
    assert Voucher.objects.get(pk=voucher.pk).used == 0
    again = services.place_order(user=UserFactory(), event=event, items=[Item(ticket, 1)], voucher_code="LIMA")
    assert again.discount == 75000


def test_one_buyer_ordering_at_once_from_ten_tabs_stays_within_the_limit(race):
    event = EventFactory()
    ticket = TicketFactory(event=event, quota=50, max_per_user=3)
    buyer = UserFactory()

    results = race([lambda: services.place_order(user=buyer, event=event, items=[Item(ticket, 2)]) for _ in range(10)])

    assert len([r for r in results if isinstance(r, Order)]) == 1
    assert results.count("limit_exceeded") == 9
    assert Ticket.objects.get(pk=ticket.pk).sold == 2
