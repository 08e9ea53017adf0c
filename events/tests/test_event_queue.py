"""The site's waiting-room page (/events/<slug>/queue/) and what the event page says about the queue."""

import pytest
from django.urls import reverse

from events.tests.factories import EventFactory, TicketFactory

pytestmark = pytest.mark.django_db


def _queue_url(event) -> str:
    return reverse("events:queue", kwargs={"slug": event.slug})


def test_the_queue_page_sends_a_visitor_to_log_in_first(client):
    event = EventFactory(slug="konser-senja")
    response = client.get(_queue_url(event))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/events/konser-senja/queue/"


def test_the_queue_page_joins_and_follows_the_queue_through_the_api(logged_in):
    event = EventFactory(slug="konser-senja", title="Konser Senja")
    page = logged_in.get(_queue_url(event)).content.decode()
    assert 'data-join-url="/api/v1/waiting-room/konser-senja/join/"' in page
    assert 'data-status-url="/api/v1/waiting-room/konser-senja/"' in page
    assert 'data-event-url="/events/konser-senja/"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "events/queue.js" in page
    assert "Waiting room" in page and "Konser Senja" in page
    assert "People ahead of you" in page and "Estimated wait" in page


def test_the_queue_page_speaks_indonesian_by_default(client, user):
    client.force_login(user)
    page = client.get(_queue_url(EventFactory())).content.decode()
    assert "Ruang tunggu" in page
    assert "Orang di depan Anda" in page and "Perkiraan waktu tunggu" in page
    assert "sekitar {count} menit" in page


def test_the_queue_page_of_an_inactive_or_unknown_event_is_404(logged_in):
    assert logged_in.get(_queue_url(EventFactory(is_active=False))).status_code == 404
    assert logged_in.get("/events/tidak-ada/queue/").status_code == 404


def test_the_event_page_says_nothing_of_a_queue_without_a_waiting_room(en_client):
    event = EventFactory()
    TicketFactory(event=event)
    page = en_client.get(event.get_absolute_url()).content.decode()
    assert 'id="waiting-room"' not in page
