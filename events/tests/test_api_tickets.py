"""events/{slug}/tickets/: ticket types, with quota never below sold."""

import datetime

import pytest
from django.utils import timezone

from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _url(event, ticket=None):
    return f"/api/v1/events/{event.slug}/tickets/" + (f"{ticket.pk}/" if ticket else "")


def test_public_lists_ticket_types_of_an_active_event(api_client):
    ticket = TicketFactory()
    body = api_client.get(_url(ticket.event)).json()
    assert [t["id"] for t in body["results"]] == [str(ticket.pk)]
    assert api_client.get(_url(ticket.event, ticket)).json()["seats_left"] == 100


def test_inactive_event_tickets_are_404_for_the_public(api_client):
    ticket = TicketFactory(event=EventFactory(is_active=False))
    assert api_client.get(_url(ticket.event)).status_code == 404
    assert api_client.get(_url(ticket.event, ticket)).status_code == 404


def test_admin_adds_a_ticket_type(client_for, staff):
    event = EventFactory()
    start = timezone.now()
    response = client_for(staff).post(
        _url(event),
        {"name": "VIP", "price": "750000", "quota": 50, "sold": 40, "sales_start": start.isoformat()},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["price"], body["quota"], body["sold"], body["seats_left"], body["event"]) == (
        "750000", 50, 0, 50, str(event.pk)
    )
    assert Ticket.objects.get(pk=body["id"]).sold == 0


def test_buyers_see_how_many_of_a_type_they_may_hold_and_admins_change_it(api_client, client_for, staff):
    ticket = TicketFactory()
    assert api_client.get(_url(ticket.event, ticket)).json()["max_per_user"] == 1
    assert api_client.get(f"/api/v1/events/{ticket.event.slug}/").json()["max_tickets_per_order"] == 10
    response = client_for(staff).patch(_url(ticket.event, ticket), {"max_per_user": 4}, format="json")
    assert response.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).max_per_user == 4
    for bad in (0, -1, 40000):
        response = client_for(staff).patch(_url(ticket.event, ticket), {"max_per_user": bad}, format="json")
        assert response.status_code == 400 and "max_per_user" in response.json()["fields"], bad


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"name": "X", "price": "-1", "quota": 5}, "price"),
        ({"name": "X", "price": "1000.50", "quota": 5}, "price"),
        ({"name": "X", "price": "1000", "quota": -5}, "quota"),
        ({"price": "1000", "quota": 5}, "name"),
    ],
)
def test_invalid_ticket_types_are_400_with_fields(client_for, staff, payload, field):
    response = client_for(staff).post(_url(EventFactory()), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Ticket.objects.exists()


def test_sales_must_end_after_they_start(client_for, staff):
    ticket = TicketFactory(sales_start=timezone.now())
    response = client_for(staff).patch(
        _url(ticket.event, ticket), {"sales_end": (timezone.now() - datetime.timedelta(days=1)).isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert "sales_end" in response.json()["fields"]


def test_quota_cannot_go_below_sold(client_for, staff):
    ticket = TicketFactory(quota=10)
    RegistrationFactory.create_batch(4, ticket=ticket)
    client = client_for(staff)
    response = client.patch(_url(ticket.event, ticket), {"quota": 3}, format="json")
    assert response.status_code == 400
    assert "quota" in response.json()["fields"]
    response = client.patch(_url(ticket.event, ticket), {"quota": 4, "sold": 0, "price": "99000"}, format="json")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.quota, ticket.sold, ticket.price) == (4, 4, 99000)
    assert response.json()["seats_left"] == 0


def test_a_ticket_of_another_event_is_404(client_for, staff):
    ticket = TicketFactory()
    other = EventFactory()
    assert client_for(staff).get(_url(other, ticket)).status_code == 404


def test_admin_deletes_an_unsold_ticket_type_but_not_a_sold_one(client_for, staff):
    unsold = TicketFactory()
    sold = RegistrationFactory().ticket
    client = client_for(staff)
    assert client.delete(_url(unsold.event, unsold)).status_code == 204
    response = client.delete(_url(sold.event, sold))
    assert response.status_code == 409
    assert response.json()["code"] == "has_registrations"
    assert list(Ticket.objects.all()) == [sold]


def test_ticket_writes_are_for_admins_only(client_for, user):
    ticket = TicketFactory()
    client = client_for(user)
    assert client.post(_url(ticket.event), {"name": "X", "price": "0", "quota": 1}, format="json").status_code == 403
    assert client.patch(_url(ticket.event, ticket), {"quota": 1}, format="json").status_code == 403
    assert client.delete(_url(ticket.event, ticket)).status_code == 403
    assert Ticket.objects.get().quota == 100
