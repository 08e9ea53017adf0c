import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.tests.factories import EventFactory, FreeTicketFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_home_lists_upcoming_active_events_soonest_first(en_client):
    now = timezone.now()
    later = EventFactory(title="Festival Jazz", event_date=now + datetime.timedelta(days=20))
    sooner = EventFactory(title="Seminar Startup", event_date=now + datetime.timedelta(days=2))
    EventFactory(title="Konser Lama", event_date=now - datetime.timedelta(days=2))
    EventFactory(title="Acara Draf", is_active=False)
    response = en_client.get(reverse("events:home"))
    assert list(response.context["events"]) == [sooner, later]
    page = response.content.decode()
    assert "Konser Lama" not in page and "Acara Draf" not in page


def test_home_cards_show_free_tickets_and_the_lowest_paid_price(en_client):
    paid = EventFactory(title="Workshop Batik")
    TicketFactory(event=paid, price=250000)
    TicketFactory(event=paid, price=150000)
    FreeTicketFactory(event=paid)
    FreeTicketFactory(event=EventFactory(title="Meetup Python"))
    EventFactory(title="Belum Ada Tiket")
    response = en_client.get(reverse("events:home"))
    cards = {event.title: event for event in response.context["events"]}
    assert (cards["Workshop Batik"].min_price, cards["Workshop Batik"].min_paid_price) == (0, 150000)
    assert (cards["Meetup Python"].min_price, cards["Meetup Python"].min_paid_price) == (0, None)
    page = response.content.decode()
    # Free and paid types together read as one phrase, never a "Free" badge beside a price.
    assert page.count("Free, or from Rp 150.000") == 1
    assert page.count(">Free</span>") == 1
    assert "Tickets coming soon" in page


def test_a_past_events_card_says_it_took_place_instead_of_prices(en_client):
    past = EventFactory(title="Konser Kemarin", event_date=timezone.now() - datetime.timedelta(days=2))
    TicketFactory(event=past, price=50000)
    FreeTicketFactory(event=past)
    page = en_client.get(reverse("events:list"), {"when": "past"}).content.decode()
    assert "Konser Kemarin" in page and "Has taken place" in page
    assert "Rp 50.000" not in page and ">Free</span>" not in page


def test_home_without_events_says_so(en_client):
    assert "No upcoming events yet." in en_client.get(reverse("events:home")).content.decode()
