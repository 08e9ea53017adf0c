"""Races with real threads, each on its own PostgreSQL connection."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import TicketFactory
from registrations import services
from registrations.models import Registration
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
