"""A room's keys in Redis expire some time after its event, or after it is switched off; a live queue never."""

import datetime
import time

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory
from waitingroom import services
from waitingroom.store import RedisStore

pytestmark = pytest.mark.django_db(transaction=True)

DAY = 24 * 3600


@pytest.fixture
def redis(store):
    if not isinstance(store, RedisStore):
        pytest.skip("key expiry is Redis's (the embedded store lives as long as its process)")
    return store


def _keys(store, event) -> dict[str, str]:
    return {
        "room": f"{store.prefix}room:{event.slug}", "q": f"{store.prefix}q:{event.pk}",
        "st": f"{store.prefix}st:{event.pk}", "adm": f"{store.prefix}adm:{event.pk}",
    }


def _ttls(store, event) -> dict[str, float]:
    """Return each key's time to live in days (-2: no such key, -1: never expires)."""
    return {name: (ttl if ttl < 0 else ttl / DAY) for name, ttl in (
        (name, store.client.ttl(key)) for name, key in _keys(store, event).items())}


def _queue_with_people(event, opens_in: datetime.timedelta = -datetime.timedelta(minutes=5)):
    services.configure(event=event, changes={"enabled": True, "opens_at": timezone.now() + opens_in,
                                             "rate_per_minute": 6000})
    for _ in range(3):
        services.get_store().visit(event.slug, str(UserFactory().pk), now=time.time(), join=True)


def test_a_live_queue_lasts_until_a_week_after_its_event(redis):
    event = EventFactory(event_date=timezone.now() + datetime.timedelta(days=30))
    _queue_with_people(event)
    services.refresh_all()  # the scheduler's job, every 10 s: it reaches the keys the visits made
    ttls = _ttls(redis, event)
    assert set(ttls) == {"room", "q", "st", "adm"}
    for name, days in ttls.items():
        assert 36.9 < days <= 37, (name, ttls)


def test_a_room_opening_after_its_event_date_keeps_its_queue_past_the_opening(redis):
    event = EventFactory(event_date=timezone.now() + datetime.timedelta(days=1))
    _queue_with_people(event, opens_in=datetime.timedelta(days=3))
    services.refresh_all()
    ttls = _ttls(redis, event)
    assert ttls["st"] == ttls["adm"] == -2  # not opened yet: nobody drawn, nobody admitted
    assert 9.9 < ttls["room"] <= 10 and 9.9 < ttls["q"] <= 10, ttls


def test_switching_the_room_off_lets_its_keys_expire_a_week_later(redis):
    event = EventFactory(event_date=timezone.now() + datetime.timedelta(days=60))
    _queue_with_people(event)
    services.configure(event=event, changes={"enabled": False})
    assert all(6.9 < days <= 7 for days in _ttls(redis, event).values())
    # Switched on again: the queue is kept, and lives as long as the event needs it.
    services.configure(event=event, changes={"enabled": True})
    assert all(66.9 < days <= 67 for days in _ttls(redis, event).values())


def test_the_keys_of_a_past_event_expire_soon_but_not_at_once(redis):
    event = EventFactory(event_date=timezone.now() - datetime.timedelta(days=30))
    services.configure(event=event, changes={"enabled": True, "opens_at": timezone.now() - datetime.timedelta(days=40)})
    ttl = redis.client.ttl(_keys(redis, event)["room"])
    assert services.MIN_KEEP_SECONDS - 60 < ttl <= services.MIN_KEEP_SECONDS


def test_moving_the_event_later_moves_the_expiry_with_it(redis):
    event = EventFactory(event_date=timezone.now() + datetime.timedelta(days=2))
    _queue_with_people(event)
    services.refresh_all()
    event.event_date = timezone.now() + datetime.timedelta(days=20)
    event.save()
    assert all(26.9 < days <= 27 for days in _ttls(redis, event).values())
