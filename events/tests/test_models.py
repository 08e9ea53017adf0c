import pytest

from events.models import Ticket
from events.tests.factories import TicketFactory


@pytest.mark.django_db
def test_saving_a_stale_ticket_type_keeps_the_seats_sold_meanwhile(user):
    from registrations import services

    ticket = TicketFactory(quota=10)
    stale = Ticket.objects.get(pk=ticket.pk)
    services.reserve(ticket=ticket, user=user)

    stale.name = "VIP"
    stale.save()

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.name, fresh.sold) == ("VIP", 1)
