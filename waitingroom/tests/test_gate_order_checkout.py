"""The site's order checkout (several tickets, a promo code) is behind the waiting room like the one-ticket path."""

import datetime
import time

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketFactory
from registrations.models import Order
from waitingroom import gate, passes, services

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_order_checkout_sends_a_buyer_without_a_pass_to_the_queue(client, store):
    ticket = TicketFactory(quota=50, max_per_user=4)
    services.configure(event=ticket.event, changes={
        "enabled": True, "opens_at": timezone.now() - datetime.timedelta(minutes=5), "rate_per_minute": 6000,
    })
    user = UserFactory()
    client.force_login(user)
    url = f"/events/{ticket.event.slug}/checkout/"
    data = {f"qty-{ticket.pk}": "2", "attendee-TOTAL_FORMS": "2", "attendee-INITIAL_FORMS": "1",
            "attendee-MIN_NUM_FORMS": "0", "attendee-MAX_NUM_FORMS": "1000",
            "attendee-0-name": "A", "attendee-0-email": "", "attendee-1-name": "B", "attendee-1-email": ""}

    for answer in (client.get(url, {f"qty-{ticket.pk}": "2"}), client.post(url, data)):
        assert answer.status_code == 302 and answer["Location"] == f"/events/{ticket.event.slug}/queue/"
    assert not Order.objects.exists()

    client.cookies[gate.cookie_name(ticket.event_id)] = passes.issue(
        event_id=ticket.event.pk, user_id=user.pk, expires=int(time.time() + 900))
    assert client.post(url, data).status_code == 302
    assert Order.objects.get(user=user).registrations.count() == 2
