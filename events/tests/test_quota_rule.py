"""A quota never goes below the seats sold (events.services): the same refusal on every surface."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from events import services
from events.models import Ticket
from events.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

MESSAGE = "The quota cannot be lower than the 3 seats already sold."


@pytest.fixture
def ticket():
    return TicketFactory(quota=5, sold=3)


def test_the_service_refuses_and_changes_nothing(ticket):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            services.change_quota(ticket, 2)
        assert refused.value.message_dict == {"quota": [MESSAGE]}
    assert refused.value.error_dict["quota"][0].code == "below_sold"
    assert Ticket.objects.get(pk=ticket.pk).quota == 5
    assert services.change_quota(ticket, 3).quota == 3


def test_the_service_reads_the_seats_sold_now_not_the_ticket_as_loaded(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(sold=4)  # a sale after `ticket` was read
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            services.change_ticket(ticket, {"quota": 3, "name": "VIP"})
        assert refused.value.message_dict == {"quota": ["The quota cannot be lower than the 4 seats already sold."]}
    assert Ticket.objects.filter(pk=ticket.pk, name="VIP").count() == 0


def test_the_form_check_locks_and_reads_the_seats_sold_now(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(sold=4)
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            services.check_quota(ticket, 3)
        assert refused.value.messages == ["The quota cannot be lower than the 4 seats already sold."]
    assert services.check_quota(ticket, 4) == 4
    assert services.check_quota(TicketFactory.build(quota=0), 0) == 0  # a new ticket type has sold nothing


def test_the_api_refuses_with_the_message(ticket, client_for, staff):
    response = client_for(staff).patch(
        f"/api/v1/events/{ticket.event.slug}/tickets/{ticket.pk}/", {"quota": 2}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"quota": [MESSAGE]}
    assert Ticket.objects.get(pk=ticket.pk).quota == 5


def test_the_admin_refuses_with_the_message(ticket, staff):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    url = reverse("admin:events_ticket_change", args=[ticket.pk])
    response = client.post(url, {
        "event": ticket.event.pk, "name": ticket.name, "description": "", "price": "150000", "quota": "2",
        "sales_start_0": "", "sales_start_1": "", "sales_end_0": "", "sales_end_1": "",
    })
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).quota == 5
