"""A hold past its payment window never counts as a ticket, even before any expiry job has run (issue 15, defect 1)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_seat_held_too_long(user):
    """The only seat of a ticket type, held by `user` until a minute ago."""
    ticket = TicketFactory(event=EventFactory(title="Festival Senja", slug="festival-senja"), name="Reguler", quota=1)
    stale = RegistrationFactory(user=user, ticket=ticket, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    return ticket, stale


def _expired(registration) -> bool:
    registration.refresh_from_db()
    return (registration.status, registration.cancel_reason) == ("cancelled", "expired")


def test_the_event_page_offers_the_seat_again(en_client, last_seat_held_too_long):
    ticket, stale = last_seat_held_too_long
    page = en_client.get(reverse("events:detail", kwargs={"slug": ticket.event.slug})).content.decode()
    assert "1 seat left" in page and "Sold out" not in page
    assert f'value="{ticket.pk}"' in page
    assert _expired(stale)


def test_the_event_list_does_not_show_the_event_sold_out(en_client, last_seat_held_too_long):
    ticket, _stale = last_seat_held_too_long
    page = en_client.get(reverse("events:list")).content.decode()
    assert "Festival Senja" in page and "Sold out" not in page


def test_the_events_api_counts_the_seat_as_left(api_client, last_seat_held_too_long):
    ticket, _stale = last_seat_held_too_long
    body = api_client.get(f"/api/v1/events/{ticket.event.slug}/").json()
    assert [(t["sold"], t["seats_left"]) for t in body["tickets"]] == [(0, 1)]


def test_the_site_lets_the_buyer_register_again(logged_in, last_seat_held_too_long, checkout_hook):
    ticket, stale = last_seat_held_too_long
    response = logged_in.post(reverse("registrations:register", kwargs={"slug": ticket.event.slug}),
                              {"ticket": ticket.pk})
    again = Registration.objects.get(user=stale.user, status="pending")
    assert response["Location"] == f"/checkout/{again.pk}/"
    assert _expired(stale)
    assert Ticket.objects.get(pk=ticket.pk).sold == 1


def test_the_api_lets_the_buyer_register_again(client_for, user, last_seat_held_too_long):
    ticket, stale = last_seat_held_too_long
    response = client_for(user).post("/api/v1/registrations/", {"ticket": str(ticket.pk)}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"
    assert _expired(stale)


def test_the_api_lists_the_hold_as_expired(client_for, user, last_seat_held_too_long):
    _ticket, stale = last_seat_held_too_long
    results = client_for(user).get("/api/v1/registrations/").json()["results"]
    assert [(r["id"], r["status"], r["cancel_reason"]) for r in results] == [(str(stale.pk), "cancelled", "expired")]


def test_the_registration_page_says_expired(logged_in, last_seat_held_too_long):
    _ticket, stale = last_seat_held_too_long
    page = logged_in.get(reverse("registrations:detail", kwargs={"pk": stale.pk})).content.decode()
    assert '<span class="badge">Expired</span>' in page
    assert reverse("registrations:cancel", kwargs={"pk": stale.pk}) not in page
