"""What the event page and the site's queue page say of a room (events.hooks.waiting_room), on both stores."""

import datetime
import time

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketFactory
from waitingroom import gate, passes, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(store):
    return TicketFactory(event__slug="konser-senja").event


def _open_room(event, **changes):
    return services.configure(event=event, changes={
        "enabled": True, "opens_at": timezone.now() - datetime.timedelta(minutes=5), "rate_per_minute": 100, **changes,
    })


def _page(client, event) -> str:
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_while_the_room_is_on_the_event_page_sends_buyers_to_the_queue(en_client, event):
    _open_room(event)
    page = _page(en_client, event)
    assert 'id="waiting-room" data-admitted="false"' in page
    assert '<a class="button primary" href="/events/konser-senja/queue/" id="join-queue">Join the queue</a>' in page


def test_an_admitted_buyer_is_told_to_choose_now(en_client, event):
    _open_room(event)
    user = UserFactory()
    en_client.force_login(user)
    en_client.cookies[gate.cookie_name(event.pk)] = passes.issue(
        event_id=event.pk, user_id=user.pk, expires=int(time.time() + 600),
    )
    page = _page(en_client, event)
    assert 'data-admitted="true"' in page and "It is your turn" in page
    assert "join-queue" not in page


def test_a_pass_of_another_user_does_not_count_on_the_event_page(en_client, event):
    _open_room(event)
    en_client.force_login(UserFactory())
    en_client.cookies[gate.cookie_name(event.pk)] = passes.issue(
        event_id=event.pk, user_id=UserFactory().pk, expires=int(time.time() + 600),
    )
    assert 'data-admitted="false"' in _page(en_client, event)


def test_a_room_switched_off_leaves_the_event_page_as_it_was(client, event):
    _open_room(event, enabled=False)
    page = _page(client, event)
    assert 'id="waiting-room"' not in page and "Masuk antrean" not in page


def test_the_banner_speaks_indonesian_by_default(client, event):
    _open_room(event)
    page = _page(client, event)
    assert "Masuk antrean" in page and "ruang tunggu" in page
