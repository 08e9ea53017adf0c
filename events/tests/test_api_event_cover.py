"""events/{slug}/cover/ and the selling fields of events/: cover URLs, organiser, city, map link, filters."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from events.tests.factories import EventFactory
from events.tests.test_covers import _image
from files.tests import samples

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _cover_url(event) -> str:
    return f"/api/v1/events/{event.slug}/cover/"


def test_an_admin_uploads_a_cover_and_events_show_its_urls(client_for, staff, api_client):
    event = EventFactory(organizer="Kopi Kita", city="Makassar", location="Pantai Losari")
    response = client_for(staff).put(
        _cover_url(event), {"file": SimpleUploadedFile("c.webp", _image("WEBP"))}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    body = api_client.get(f"/api/v1/events/{event.slug}/").json()
    assert body["cover_url"].startswith("http://testserver/events/") and body["cover_url"].endswith(".jpg")
    assert body["cover_small_url"].endswith("-small.jpg")
    assert (body["organizer"], body["city"], body["map_url"]) == ("Kopi Kita", "Makassar", "")
    assert body["map_link"] == "https://www.google.com/maps/search/?api=1&query=Pantai%20Losari%2C%20Makassar"
    assert api_client.get(body["cover_url"].removeprefix("http://testserver")).status_code == 200


def test_a_refused_cover_is_a_clear_error_and_changes_nothing(client_for, staff):
    event = EventFactory()
    api = client_for(staff)
    response = api.put(_cover_url(event), {"file": SimpleUploadedFile("c.jpg", samples.pdf())}, format="multipart")
    assert response.status_code == 415 and response.json()["code"] == "type_not_allowed"
    response = api.put(_cover_url(event), {"file": SimpleUploadedFile("c.png", _image("PNG", size=(300, 200)))},
                       format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "image_too_small"
    response = api.put(_cover_url(event), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["fields"]
    event.refresh_from_db()
    assert event.cover == ""


def test_an_admin_removes_the_cover(client_for, staff):
    event = EventFactory()
    api = client_for(staff)
    api.put(_cover_url(event), {"file": SimpleUploadedFile("c.jpg", _image())}, format="multipart")
    response = api.delete(_cover_url(event))
    assert response.status_code == 200 and response.json()["cover_url"] is None


def test_only_admins_change_covers(client_for, user, api_client):
    event = EventFactory()
    upload = {"file": SimpleUploadedFile("c.jpg", _image())}
    assert api_client.put(_cover_url(event), upload, format="multipart").status_code == 401
    assert client_for(user).put(_cover_url(event), upload, format="multipart").status_code == 403
    assert client_for(user).delete(_cover_url(event)).status_code == 403


def test_admins_write_organiser_city_and_map_link(client_for, staff):
    event = EventFactory()
    api = client_for(staff)
    response = api.patch(f"/api/v1/events/{event.slug}/", {"organizer": "Bandung Creative Hub", "city": "Bandung",
                                                            "map_url": "https://maps.app.goo.gl/x"}, format="json")
    assert response.status_code == 200 and response.json()["map_link"] == "https://maps.app.goo.gl/x"
    response = api.patch(f"/api/v1/events/{event.slug}/", {"map_url": "ftp://example.com/map"}, format="json")
    assert response.status_code == 400 and "map_url" in response.json()["fields"]


def test_the_list_filters_by_city_and_local_date(api_client):
    EventFactory(title="Jazz", city="Denpasar", timezone="Asia/Makassar",
                 event_date=datetime.datetime(2031, 3, 9, 17, 0, tzinfo=UTC))  # 10 March 01.00 WITA
    EventFactory(title="Diskusi", city="Jakarta", event_date=datetime.datetime(2031, 3, 9, 16, 0, tzinfo=UTC))

    def titles(**params):
        response = api_client.get("/api/v1/events/", params)
        assert response.status_code == 200, response.json()
        return [e["title"] for e in response.json()["results"]]

    assert titles(city="denpasar") == ["Jazz"]
    assert titles(date_from="2031-03-10") == ["Jazz"]
    assert titles(date_to="2031-03-09") == ["Diskusi"]
    response = api_client.get("/api/v1/events/", {"date_from": "besok"})
    assert response.status_code == 400 and "date_from" in response.json()["fields"]
