import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.tests.factories import EventFactory, FreeTicketFactory, TicketFactory

pytestmark = pytest.mark.django_db


def _page(client, event) -> str:
    response = client.get(reverse("events:detail", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_detail_shows_ticket_types_with_rupiah_prices_and_seats_left(en_client):
    event = EventFactory(title="Konser Dewa", description="Malam nostalgia.")
    TicketFactory(event=event, name="VIP", price=Decimal("1500000"), quota=50, sold=48)
    FreeTicketFactory(event=event, name="Pelajar", quota=10)
    page = _page(en_client, event)
    assert "Konser Dewa" in page and "Malam nostalgia." in page
    assert "Rp 1.500.000" in page and "2 seats left" in page
    assert "Free" in page and "10 seats left" in page
    assert page.count('name="ticket"') == 2
    assert reverse("registrations:register", kwargs={"slug": event.slug}) in page


def test_detail_shows_a_wita_event_in_wita_time(client):
    # 02:00 UTC is 10.00 in Makassar (UTC+8) and 09.00 in Jakarta.
    event = EventFactory(timezone="Asia/Makassar", event_date=datetime.datetime(2031, 5, 1, 2, 0, tzinfo=datetime.UTC))
    page = _page(client, event)
    assert "1 Mei 2031, 10.00 WITA" in page
    assert "WIB" not in page


def test_detail_shows_a_wit_event_in_english(en_client):
    event = EventFactory(timezone="Asia/Jayapura", event_date=datetime.datetime(2031, 5, 1, 2, 0, tzinfo=datetime.UTC))
    assert "May 1, 2031, 11 a.m. WIT" in _page(en_client, event)


def test_detail_explains_why_a_ticket_is_not_on_sale(en_client):
    now = timezone.now()
    event = EventFactory()
    TicketFactory(event=event, name="Habis", quota=5, sold=5)
    TicketFactory(event=event, name="Nanti", sales_start=now + datetime.timedelta(days=1))
    TicketFactory(event=event, name="Lewat", sales_end=now - datetime.timedelta(days=1))
    page = _page(en_client, event)
    assert "Sold out" in page
    assert "On sale from" in page
    assert "Sales have ended" in page
    assert 'name="ticket"' not in page


def test_detail_of_a_past_event_offers_no_registration(en_client):
    event = EventFactory(event_date=timezone.now() - datetime.timedelta(hours=1))
    TicketFactory(event=event)
    page = _page(en_client, event)
    assert "This event has already taken place." in page
    assert 'name="ticket"' not in page


def test_detail_of_an_unknown_or_inactive_event_is_404(en_client):
    assert en_client.get(reverse("events:detail", kwargs={"slug": "tidak-ada"})).status_code == 404
    inactive = EventFactory(is_active=False)
    response = en_client.get(reverse("events:detail", kwargs={"slug": inactive.slug}))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
