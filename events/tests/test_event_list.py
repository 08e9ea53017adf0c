import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

URL = reverse("events:list")


def _titles(response) -> list[str]:
    return [event.title for event in response.context["page"].object_list]


@pytest.fixture
def events():
    now = timezone.now()
    return {
        "jazz": EventFactory(title="Festival Jazz", location="Bali", description="Musik di pantai.",
                             event_date=now + datetime.timedelta(days=10)),
        "seminar": EventFactory(title="Seminar Startup", location="Bandung", description="Pendanaan awal.",
                                event_date=now + datetime.timedelta(days=3)),
        "past": EventFactory(title="Konser Lama", location="Bali", event_date=now - datetime.timedelta(days=3)),
        "older": EventFactory(title="Konser Lebih Lama", event_date=now - datetime.timedelta(days=30)),
        "draft": EventFactory(title="Draf Bali", location="Bali", is_active=False),
    }


def test_list_shows_upcoming_active_events_by_default(en_client, events):
    assert _titles(en_client.get(URL)) == ["Seminar Startup", "Festival Jazz"]


def test_list_shows_past_events_most_recent_first(en_client, events):
    assert _titles(en_client.get(URL, {"when": "past"})) == ["Konser Lama", "Konser Lebih Lama"]


@pytest.mark.parametrize(
    "query, expected",
    [("jazz", ["Festival Jazz"]), ("BANDUNG", ["Seminar Startup"]), ("pendanaan", ["Seminar Startup"]),
     ("bali musik", ["Festival Jazz"])],
    ids=["title", "location", "description", "every-word"],
)
def test_list_searches_title_location_and_description(en_client, events, query, expected):
    assert _titles(en_client.get(URL, {"q": query})) == expected


def test_list_search_combines_with_past(en_client, events):
    assert _titles(en_client.get(URL, {"q": "bali", "when": "past"})) == ["Konser Lama"]


def test_list_search_without_results_says_so(en_client, events):
    page = en_client.get(URL, {"q": "tidak-ada-yang-cocok"}).content.decode()
    assert "No events match your search." in page
    assert "0 events found" in page


def test_list_paginates_and_keeps_the_filters_in_the_links(en_client):
    start = timezone.now() + datetime.timedelta(days=1)
    for n in range(13):
        EventFactory(title=f"Lari Pagi {n:02d}", event_date=start + datetime.timedelta(hours=n))
    first = en_client.get(URL, {"q": "lari"})
    assert len(_titles(first)) == 12
    assert "?q=lari&amp;when=upcoming&amp;page=2" in first.content.decode()
    assert _titles(en_client.get(URL, {"q": "lari", "page": 2})) == ["Lari Pagi 12"]


@pytest.mark.parametrize("params", [{"page": "abc"}, {"page": "999"}, {"when": "kemarin"}, {"q": "x" * 500}])
def test_list_tolerates_bad_parameters(en_client, events, params):
    response = en_client.get(URL, params)
    assert response.status_code == 200
