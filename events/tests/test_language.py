import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_default_to_indonesian(client):
    response = client.get(reverse("events:list"))
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert "Acara mendatang" in page
    assert response["Content-Language"] == "id"


def test_accept_language_en_gives_english(client):
    response = client.get(reverse("events:list"), headers={"accept-language": "en-US,en;q=0.9"})
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Upcoming events" in page


def test_an_unsupported_language_falls_back_to_indonesian(client):
    page = client.get(reverse("events:list"), headers={"accept-language": "fr"}).content.decode()
    assert '<html lang="id">' in page


def test_the_switcher_choice_wins_over_the_browser_and_keeps_urls_unprefixed(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/events/"})
    assert response["Location"] == "/events/"
    page = client.get("/events/", headers={"accept-language": "id"}).content.decode()
    assert "Upcoming events" in page
    client.post(reverse("set_language"), {"language": "id", "next": "/events/"})
    assert "Acara mendatang" in client.get("/events/", headers={"accept-language": "en"}).content.decode()
