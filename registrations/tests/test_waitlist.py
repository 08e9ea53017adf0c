"""The waiting list: seats that come back go to the first in line and are held for them."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import TicketFactory
from registrations import services
from registrations.models import WaitlistEntry
from registrations.services import Item, RegistrationError

pytestmark = pytest.mark.django_db

Entry = WaitlistEntry.Status


def _sold(ticket) -> int:
    return Ticket.objects.get(pk=ticket.pk).sold


def test_an_expired_order_goes_to_the_first_in_line_then_to_the_second_when_unclaimed(
    settings, django_capture_on_commit_callbacks
):
    settings.WAITLIST_CLAIM_MINUTES = 60
    ticket = TicketFactory(quota=1)
    buyer = UserFactory()
    order = services.place_order(user=buyer, event=ticket.event, items=[Item(ticket, 1)])
    first, second, third = UserFactory.create_batch(3)
    entries = [services.waitlist.join(user=u, ticket=Ticket.objects.get(pk=ticket.pk)) for u in (first, second, third)]
    assert [services.waitlist.position(entry=e) for e in entries] == [1, 2, 3]

    with django_capture_on_commit_callbacks(execute=True):
        services.expire_orders(now=order.expires_at + datetime.timedelta(seconds=1))

    offer = WaitlistEntry.objects.get(pk=entries[0].pk)
    assert offer.status == Entry.OFFERED and offer.offered_until > timezone.now() + datetime.timedelta(minutes=59)
    assert [m.to for m in mail.outbox if f"offer={offer.pk}" in m.body] == [[first.email]]
    # Held for the first in line: nobody else can buy the seat.
    assert _sold(ticket) == 1
    with pytest.raises(RegistrationError) as refused:
        services.place_order(user=UserFactory(), event=ticket.event, items=[Item(ticket, 1)])
    assert refused.value.code == "sold_out"
    call_command("check_seats")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.waitlist.expire_offers(now=offer.offered_until + datetime.timedelta(seconds=1)) == 1

    assert WaitlistEntry.objects.get(pk=entries[0].pk).status == Entry.EXPIRED
    assert WaitlistEntry.objects.get(pk=entries[1].pk).status == Entry.OFFERED
    assert _sold(ticket) == 1


def test_claiming_an_offer_makes_a_normal_order_with_the_held_seats():
    ticket = TicketFactory(quota=2, max_per_user=2)
    holder = UserFactory()
    order = services.place_order(user=holder, event=ticket.event, items=[Item(ticket, 2)])
    waiting = UserFactory()
    entry = services.waitlist.join(user=waiting, ticket=Ticket.objects.get(pk=ticket.pk), quantity=2)
    services.cancel_order(order=order)
    entry.refresh_from_db()
    assert entry.status == Entry.OFFERED and _sold(ticket) == 2

    claimed = services.place_order(user=waiting, event=ticket.event, items=[Item(ticket, 2)], waitlist_entry=entry)

    entry.refresh_from_db()
    assert (entry.status, entry.order_id) == (Entry.CLAIMED, claimed.pk)
    assert claimed.status == "pending" and claimed.registrations.count() == 2
    assert _sold(ticket) == 2
    call_command("check_seats")


def test_joining_needs_a_sold_out_type_and_a_quantity_within_the_limits():
    ticket = TicketFactory(quota=5)
    user = UserFactory()

    with pytest.raises(RegistrationError) as available:
        services.waitlist.join(user=user, ticket=ticket)
    Ticket.objects.filter(pk=ticket.pk).update(sold=5)
    ticket.refresh_from_db()
    with pytest.raises(RegistrationError) as too_many:
        services.waitlist.join(user=user, ticket=ticket, quantity=2)

    assert available.value.code == "seats_available"
    assert too_many.value.code == "limit_exceeded"
    first = services.waitlist.join(user=user, ticket=ticket)
    assert services.waitlist.join(user=user, ticket=ticket).pk == first.pk


def test_a_limit_of_one_on_the_list_is_said_in_the_singular():
    ticket = TicketFactory(name="VIP", quota=5, sold=5, max_per_user=1)

    with translation.override("en"), pytest.raises(RegistrationError) as too_many:
        services.waitlist.join(user=UserFactory(), ticket=ticket, quantity=2)

    assert str(too_many.value.message) == "You can hold at most 1 ticket of VIP."


def test_a_raised_quota_is_offered_to_the_list_and_leaving_passes_an_offer_on():
    ticket = TicketFactory(quota=1)
    services.place_order(user=UserFactory(), event=ticket.event, items=[Item(ticket, 1)])
    first, second = UserFactory(), UserFactory()
    services.waitlist.join(user=first, ticket=Ticket.objects.get(pk=ticket.pk))
    services.waitlist.join(user=second, ticket=Ticket.objects.get(pk=ticket.pk))

    fresh = Ticket.objects.get(pk=ticket.pk)
    fresh.quota = 2
    fresh.save()
    assert WaitlistEntry.objects.get(user=first).status == Entry.OFFERED
    services.waitlist.leave(user=first, ticket=fresh)

    assert WaitlistEntry.objects.get(user=first).status == Entry.LEFT
    assert WaitlistEntry.objects.get(user=second).status == Entry.OFFERED
    assert _sold(ticket) == 2
    call_command("check_seats")
