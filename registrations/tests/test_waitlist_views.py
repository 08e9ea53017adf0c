"""The waiting list on the site: join and leave a sold-out type; the offer's link opens a checkout holding the seats."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations import services
from registrations.models import Order, WaitlistEntry

from .factories import RegistrationFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    event = EventFactory(title="Konser Senja")
    return TicketFactory(event=event, name="Festival", quota=2, max_per_user=4)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _attendees(*names) -> dict:
    data = {"attendee-TOTAL_FORMS": str(len(names)), "attendee-INITIAL_FORMS": "1",
            "attendee-MIN_NUM_FORMS": "0", "attendee-MAX_NUM_FORMS": "1000"}
    for index, name in enumerate(names):
        data[f"attendee-{index}-name"] = name
        data[f"attendee-{index}-email"] = ""
    return data


def _sell_out(ticket):
    return [RegistrationFactory(ticket=ticket) for _ in range(ticket.quota - ticket.sold)]


def test_a_sold_out_type_offers_to_join_the_waiting_list_and_then_to_leave_it(logged_in, user, ticket):
    _sell_out(ticket)
    event = ticket.event
    page = logged_in.get(event.get_absolute_url()).content.decode()
    assert "Join the waiting list" in page and reverse("registrations:waitlist_join", args=[event.slug]) in page

    answer = logged_in.post(reverse("registrations:waitlist_join", args=[event.slug]),
                            {"ticket_type": str(ticket.pk), "quantity": "2"}, follow=True)
    entry = WaitlistEntry.objects.get(user=user, ticket=ticket)
    assert (entry.status, entry.quantity) == ("waiting", 2)
    assert _messages(answer) == ["You are on the waiting list for Festival (place 1). We will email you when seats "
                                 "come back."]
    page = answer.content.decode()
    assert "You are on the waiting list for 2 seats, place 1." in page and "Leave the waiting list" in page

    answer = logged_in.post(reverse("registrations:waitlist_leave", args=[event.slug]),
                            {"ticket_type": str(ticket.pk)}, follow=True)
    entry.refresh_from_db()
    assert entry.status == "left"
    assert _messages(answer) == ["You have left the waiting list for Festival."]


def test_joining_while_seats_are_on_sale_is_refused_with_the_reason(logged_in, user, ticket):
    answer = logged_in.post(reverse("registrations:waitlist_join", args=[ticket.event.slug]),
                            {"ticket_type": str(ticket.pk), "quantity": "1"}, follow=True)
    assert _messages(answer) == ["Seats of Festival are still on sale: buy them instead."]
    assert not WaitlistEntry.objects.exists()


def test_joining_with_a_bad_ticket_or_quantity_is_a_message_not_an_error(logged_in, ticket):
    _sell_out(ticket)
    url = reverse("registrations:waitlist_join", args=[ticket.event.slug])
    assert _messages(logged_in.post(url, {"ticket_type": "x", "quantity": "1"}, follow=True)) == [
        "That ticket type is not offered for this event."]
    assert _messages(logged_in.post(url, {"ticket_type": str(ticket.pk), "quantity": "dua"}, follow=True)) == [
        "Ask for at least one ticket."]
    assert _messages(logged_in.post(url, {"ticket_type": str(ticket.pk), "quantity": "9"}, follow=True)) == [
        "You can hold at most 4 tickets of Festival."]
    assert not WaitlistEntry.objects.exists()


def test_the_offer_link_opens_a_checkout_holding_the_seats_and_claims_them(
    en_client, ticket, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    first, second = _sell_out(ticket)
    waiting = UserFactory(full_name="Rina Wati")
    services.waitlist.join(user=waiting, ticket=Ticket.objects.get(pk=ticket.pk), quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_order(order=first.order, reason="user")
    entry = WaitlistEntry.objects.get(user=waiting)
    assert entry.status == "offered"
    (offer_email,) = [m for m in mail.outbox if m.to == [waiting.email]]
    link = re.search(r"http://testserver(\S+offer=\S+)", offer_email.body).group(1)

    en_client.force_login(waiting)
    answer = en_client.get(link, follow=True)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "A seat is held for you from the waiting list until" in page
    assert 'name="offer"' in page

    # Nobody else can take the held seat meanwhile.
    outsider = en_client.__class__(HTTP_ACCEPT_LANGUAGE="en")
    outsider.force_login(UserFactory())
    refused = outsider.post(reverse("registrations:checkout", args=[ticket.event.slug]),
                            {f"qty-{ticket.pk}": "1", **_attendees("Orang Lain")})
    assert refused.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).sold == 2

    answer = en_client.post(reverse("registrations:checkout", args=[ticket.event.slug]),
                            {f"qty-{ticket.pk}": "1", "offer": str(entry.pk), **_attendees("Rina Wati")})
    assert answer.status_code == 302
    entry.refresh_from_db()
    order = Order.objects.get(user=waiting)
    assert entry.status == "claimed" and entry.order == order
    assert order.registrations.get().attendee_name == "Rina Wati"
    assert Ticket.objects.get(pk=ticket.pk).sold == 2


def test_another_users_offer_link_says_so(logged_in, ticket):
    entry = WaitlistEntryFactory(ticket=ticket, status="offered",
                                 offered_until=timezone.now() + datetime.timedelta(minutes=30))
    answer = logged_in.get(f"{ticket.event.get_absolute_url()}?offer={entry.pk}", follow=True)
    assert answer.redirect_chain[-1][0] == ticket.event.get_absolute_url()
    assert _messages(answer) == ["This waiting-list link is not yours. Log in with the account that joined the list."]


def test_an_expired_offer_link_says_the_seats_went_on(logged_in, user, ticket):
    entry = WaitlistEntryFactory(user=user, ticket=ticket, status="expired",
                                 offered_until=timezone.now() - datetime.timedelta(minutes=1))
    answer = logged_in.get(f"{ticket.event.get_absolute_url()}?offer={entry.pk}", follow=True)
    assert _messages(answer) == [
        "This waiting-list offer has expired: the seats held for you went to the next in line."]
    assert not Order.objects.filter(user=user).exists()


def test_an_offer_past_its_claim_time_is_expired_even_before_the_job_runs(logged_in, user, ticket):
    entry = WaitlistEntryFactory(user=user, ticket=ticket, status="offered",
                                 offered_until=timezone.now() - datetime.timedelta(seconds=1))
    answer = logged_in.get(f"{reverse('registrations:checkout', args=[ticket.event.slug])}?offer={entry.pk}",
                           follow=True)
    assert "This waiting-list offer has expired" in _messages(answer)[0]


def test_a_garbled_offer_link_is_a_message(logged_in, ticket):
    answer = logged_in.get(f"{ticket.event.get_absolute_url()}?offer=bukan-uuid", follow=True)
    assert answer.status_code == 200
    assert _messages(answer) == ["This waiting-list link is not yours. Log in with the account that joined the list."]


def test_an_anonymous_visitor_of_the_offer_link_logs_in_first(en_client, ticket):
    entry = WaitlistEntryFactory(ticket=ticket, status="offered",
                                 offered_until=timezone.now() + datetime.timedelta(minutes=30))
    answer = en_client.get(f"{ticket.event.get_absolute_url()}?offer={entry.pk}", follow=True)
    assert answer.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert str(entry.pk) in answer.redirect_chain[-1][0]
