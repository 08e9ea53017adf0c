"""events/ and events/{slug}/: public reads of active events, admin writes."""

import datetime

import pytest
from django.utils import timezone

from events.models import Event, Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


def _new_event(**extra):
    return {
        "title": "Festival Kopi Nusantara",
        "event_date": (timezone.now() + datetime.timedelta(days=20)).isoformat(),
        "location": "Bandung",
        **extra,
    }


def test_public_list_shows_active_events_only(api_client):
    shown = EventFactory()
    EventFactory(is_active=False)
    body = api_client.get(EVENTS).json()
    assert [e["slug"] for e in body["results"]] == [shown.slug]
    assert body["count"] == 1


def test_admin_list_shows_all_and_filters_by_activity(client_for, staff):
    active, hidden = EventFactory(), EventFactory(is_active=False)
    client = client_for(staff)
    assert {e["slug"] for e in client.get(EVENTS).json()["results"]} == {active.slug, hidden.slug}
    assert [e["slug"] for e in client.get(EVENTS, {"is_active": "false"}).json()["results"]] == [hidden.slug]


def test_list_filters_by_search_and_upcoming(api_client):
    past = EventFactory(title="Konser Lama", event_date=timezone.now() - datetime.timedelta(days=1))
    future = EventFactory(title="Pameran Buku")
    assert [e["slug"] for e in api_client.get(EVENTS, {"search": "pameran"}).json()["results"]] == [future.slug]
    assert [e["slug"] for e in api_client.get(EVENTS, {"upcoming": "false"}).json()["results"]] == [past.slug]


def test_detail_has_ticket_types_with_seats_left(api_client):
    ticket = TicketFactory(quota=10)
    RegistrationFactory.create_batch(3, ticket=ticket)
    body = api_client.get(f"{EVENTS}{ticket.event.slug}/").json()
    assert body["id"] == str(ticket.event.pk)
    assert body["event_date"].endswith("+07:00")
    [row] = body["tickets"]
    assert row["id"] == str(ticket.pk)
    assert (row["quota"], row["sold"], row["seats_left"], row["price"]) == (10, 3, 7, "150000")
    assert {"sales_start", "sales_end"} <= set(row)


def test_inactive_event_detail_is_404_for_the_public_not_for_admins(api_client, client_for, staff, user):
    event = EventFactory(is_active=False)
    assert api_client.get(f"{EVENTS}{event.slug}/").status_code == 404
    assert client_for(user).get(f"{EVENTS}{event.slug}/").status_code == 404
    assert client_for(staff).get(f"{EVENTS}{event.slug}/").status_code == 200


def test_admin_creates_an_event_with_a_generated_unique_slug(client_for, staff):
    EventFactory(slug="festival-kopi-nusantara")
    response = client_for(staff).post(EVENTS, _new_event(), format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == "festival-kopi-nusantara-2"
    assert Event.objects.filter(slug="festival-kopi-nusantara-2").exists()


def test_admin_may_create_a_past_event(client_for, staff):
    past = (timezone.now() - datetime.timedelta(days=3)).isoformat()
    response = client_for(staff).post(EVENTS, _new_event(event_date=past, slug="dulu"), format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == "dulu"


def test_a_taken_slug_is_400_with_fields(client_for, staff):
    EventFactory(slug="sudah-ada")
    response = client_for(staff).post(EVENTS, _new_event(slug="sudah-ada"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "slug" in response.json()["fields"]


def test_missing_fields_are_400(client_for, staff):
    response = client_for(staff).post(EVENTS, {"title": ""}, format="json")
    assert response.status_code == 400
    assert {"title", "event_date"} <= set(response.json()["fields"])


def test_admin_patches_an_event(client_for, staff):
    event = EventFactory()
    response = client_for(staff).patch(f"{EVENTS}{event.slug}/", {"is_active": False, "location": "Solo"}, format="json")
    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.is_active, event.location) == (False, "Solo")


def test_admin_caps_the_tickets_of_one_order(client_for, staff):
    event = EventFactory()
    client = client_for(staff)
    assert client.patch(f"{EVENTS}{event.slug}/", {"max_tickets_per_order": 4}, format="json").status_code == 200
    event.refresh_from_db()
    assert event.max_tickets_per_order == 4
    response = client.patch(f"{EVENTS}{event.slug}/", {"max_tickets_per_order": 0}, format="json")
    assert response.status_code == 400 and "max_tickets_per_order" in response.json()["fields"]


def test_admin_deletes_an_event_without_registrations(client_for, staff):
    ticket = TicketFactory()
    response = client_for(staff).delete(f"{EVENTS}{ticket.event.slug}/")
    assert response.status_code == 204
    assert not Event.objects.exists() and not Ticket.objects.exists()


def test_deleting_an_event_with_registrations_is_409(client_for, staff):
    registration = RegistrationFactory()
    response = client_for(staff).delete(f"{EVENTS}{registration.event.slug}/")
    assert response.status_code == 409
    assert response.json()["code"] == "has_registrations"
    assert Event.objects.filter(pk=registration.event_id).exists()


def test_writes_are_for_admins_only(api_client, client_for, user):
    event = EventFactory()
    assert api_client.post(EVENTS, _new_event(), format="json").status_code == 401
    assert client_for(user).post(EVENTS, _new_event(), format="json").status_code == 403
    assert client_for(user).patch(f"{EVENTS}{event.slug}/", {"title": "X"}, format="json").status_code == 403
    assert client_for(user).delete(f"{EVENTS}{event.slug}/").status_code == 403
    assert Event.objects.count() == 1 and Event.objects.get().title == event.title
