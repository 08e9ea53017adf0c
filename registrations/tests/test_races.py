"""Races with real threads, each on its own PostgreSQL connection."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations import services
from registrations.models import Order, Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_buyers_race_for_the_last_ten_seats(race):
    assert connection.vendor == "postgresql"
    ticket = TicketFactory(quota=100)
    for _ in range(90):
        RegistrationFactory(ticket=ticket)
    buyers = UserFactory.create_batch(60)

    results = race([lambda u=u: services.reserve(ticket=ticket, user=u) for u in buyers])

    won = [r for r in results if isinstance(r, Registration)]
    assert len(won) == 10
    assert results.count("sold_out") == 50
    assert Ticket.objects.get(pk=ticket.pk).sold == 100
    assert Registration.objects.filter(ticket=ticket, status__in=Registration.ACTIVE_STATUSES).count() == 100
    call_command("check_seats")


def test_one_buyer_clicking_ten_times_gets_one_registration(race):
    ticket = TicketFactory(quota=50)
    buyer = UserFactory()
    results = race([lambda: services.reserve(ticket=ticket, user=buyer) for _ in range(10)])
    assert len([r for r in results if isinstance(r, Registration)]) == 1
    assert results.count("already_registered") == 9
    assert Ticket.objects.get(pk=ticket.pk).sold == 1


def test_racing_cancel_and_expiry_release_the_seat_once(race):
    ticket = TicketFactory(quota=5)
    registration = RegistrationFactory(ticket=ticket, expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Ticket.objects.get(pk=ticket.pk).sold == 1

    calls = [lambda: services.cancel(registration=registration) for _ in range(8)]
    calls += [lambda: services.expire_stale() for _ in range(8)]
    race(calls)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert Ticket.objects.get(pk=ticket.pk).sold == 0
    call_command("check_seats")


def test_racing_payment_and_expiry_keep_the_books_right(race):
    ticket = TicketFactory(quota=1)
    registration = RegistrationFactory(ticket=ticket, expires_at=timezone.now() - datetime.timedelta(seconds=1))

    race([lambda: services.mark_paid(registration=registration), lambda: services.expire_stale()] * 5)

    registration.refresh_from_db()
    # Either order ends paid: the payment wins outright, or re-takes the seat expiry released.
    assert registration.status == Registration.Status.PAID
    assert Ticket.objects.get(pk=ticket.pk).sold == 1
    call_command("check_seats")


def test_the_seat_is_taken_and_committed_in_one_round_trip(user):
    ticket = TicketFactory(quota=5)
    with CaptureQueriesContext(connection) as queries:
        services.reserve(ticket=Ticket.objects.select_related("event").get(pk=ticket.pk), user=user)
    sent = [query["sql"] for query in queries]
    take_seat = next(i for i, sql in enumerate(sent) if 'UPDATE "events_ticket" SET' in sql)
    # The ticket row is locked from this UPDATE to its COMMIT, within PostgreSQL: no round trip in between.
    # The transaction is the sale's own, begun with its first statements: Django has none to commit (the
    # email task reads after it).
    assert sent[take_seat].endswith("; COMMIT") and "COMMIT" not in sent[take_seat + 1:]
    assert sent[take_seat - 1].startswith("BEGIN; SELECT pg_advisory_xact_lock(")
    # The order and its ticket are written in the same round trip, before it.
    assert sent[take_seat].startswith('INSERT INTO "registrations_order"')
    assert '; INSERT INTO "registrations_registration"' in sent[take_seat]
    assert Ticket.objects.get(pk=ticket.pk).sold == 1


def test_two_hundred_buyers_reading_the_last_seats_as_free_take_exactly_them(race):
    # Every buyer read the type before anyone bought: all of them send their UPDATE and COMMIT, the quota's
    # CHECK refuses all but three, and the refused purchases roll back whole.
    ticket = TicketFactory(quota=3)
    read = Ticket.objects.select_related("event").get(pk=ticket.pk)
    buyers = UserFactory.create_batch(200)

    results = race([lambda u=u: services.reserve(ticket=read, user=u) for u in buyers])

    assert len([r for r in results if isinstance(r, Registration)]) == 3
    assert results.count("sold_out") == 197
    assert Ticket.objects.get(pk=ticket.pk).sold == 3
    assert Registration.objects.filter(ticket=ticket).count() == 3
    assert Order.objects.filter(event=ticket.event).count() == 3
    call_command("check_seats")


def test_an_order_refused_its_last_type_gives_back_the_seats_of_the_first():
    event = EventFactory()
    first, last = sorted(TicketFactory.create_batch(2, event=event, quota=5), key=lambda ticket: str(ticket.pk))
    Ticket.objects.filter(pk=last.pk).update(sold=5)  # taken since `last` was read with seats free

    with pytest.raises(services.RegistrationError) as refused:
        services.place_order(user=UserFactory(), event=event, items=[services.Item(first, 1), services.Item(last, 1)])

    assert refused.value.code == "sold_out"
    assert Ticket.objects.get(pk=first.pk).sold == 0
    assert not Registration.objects.filter(event=event).exists() and not Order.objects.filter(event=event).exists()
