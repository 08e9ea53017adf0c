"""What the event pages show to sell the event: cover, organiser, map link, and link previews (Open Graph)."""

import html
import re

import pytest
from django.urls import reverse

from events import covers
from events.tests.factories import EventFactory
from events.tests.test_covers import _image, _upload

pytestmark = pytest.mark.django_db


def _page(client, event) -> str:
    response = client.get(reverse("events:detail", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    return response.content.decode()


def _meta(page: str) -> dict[str, str]:
    """Return the page's <meta property|name=… content=…> tags."""
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', page)
    return {key: html.unescape(value) for key, value in found}


def test_the_link_preview_names_the_event_with_its_cover(client, settings):
    settings.SITE_URL = "https://tiket.example.id"
    event = EventFactory(title="Festival Kopi & Teh", description="Cicip kopi\n\ndari Aceh sampai Papua. " * 20)
    covers.set_cover(event=event, cover=covers.prepare(_upload(_image())))
    meta = _meta(_page(client, event))
    assert meta["og:title"] == "Festival Kopi & Teh"
    assert meta["og:url"] == f"https://tiket.example.id/events/{event.slug}/"
    assert meta["og:image"] == "https://tiket.example.id" + covers.url(event)
    assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:type"]) == ("1200", "630", "image/jpeg")
    assert meta["og:type"] == "website" and meta["og:site_name"] == "EventHub" and meta["og:locale"] == "id_ID"
    assert meta["og:description"].startswith("Cicip kopi dari Aceh") and len(meta["og:description"]) <= 200
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["description"] == meta["og:description"]


def test_the_cover_it_points_to_is_served(client):
    event = EventFactory()
    covers.set_cover(event=event, cover=covers.prepare(_upload(_image())))
    image = _meta(_page(client, event))["og:image"]
    assert client.get(image.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_without_a_cover_or_description_the_preview_says_when_and_where(en_client):
    event = EventFactory(description="", location="Istora Senayan", city="Jakarta")
    meta = _meta(_page(en_client, event))
    assert "og:image" not in meta and meta["twitter:card"] == "summary"
    assert "Istora Senayan" in meta["og:description"] and "WIB" in meta["og:description"]
    assert meta["og:locale"] == "en_US"


def test_the_page_shows_the_cover_organiser_and_a_map_link(en_client):
    event = EventFactory(location="Pantai Melasti", city="Bali", organizer="Senja Nusantara")
    covers.set_cover(event=event, cover=covers.prepare(_upload(_image())))
    page = _page(en_client, event)
    assert f'<img class="event-cover" src="{covers.url(event)}"' in page
    assert "Organiser</dt><dd>Senja Nusantara</dd>" in page
    assert "Pantai Melasti, Bali" in page
    assert 'href="https://www.google.com/maps/search/?api=1&amp;query=Pantai%20Melasti%2C%20Bali"' in page
    assert "Open in Maps" in page


def test_a_map_link_given_by_staff_wins(en_client):
    event = EventFactory(location="GBK", map_url="https://maps.app.goo.gl/abc123")
    assert 'href="https://maps.app.goo.gl/abc123"' in _page(en_client, event)


def test_the_city_is_not_repeated_when_the_location_names_it(en_client):
    event = EventFactory(location="Istora Senayan, Jakarta", city="jakarta")
    assert event.place == "Istora Senayan, Jakarta"
    assert "Istora Senayan, Jakarta</" in _page(en_client, event).replace(" · <a", "</")


def test_cards_show_the_small_cover_and_the_organiser(en_client):
    event = EventFactory(organizer="Komunitas Python", city="Jakarta", location="Kuningan")
    covers.set_cover(event=event, cover=covers.prepare(_upload(_image())))
    page = en_client.get(reverse("events:list")).content.decode()
    assert f'src="{covers.url(event, small=True)}"' in page and 'loading="lazy"' in page
    assert "By Komunitas Python" in page and "Kuningan, Jakarta" in page
    assert f'src="{covers.url(event, small=True)}"' in en_client.get(reverse("events:home")).content.decode()
