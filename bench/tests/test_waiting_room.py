"""A small run of the waiting-room benchmark's load, so `make bench` keeps working."""

import asyncio
import concurrent.futures
import datetime
import time

import pytest
from django.utils import timezone

from bench import waiting_room
from waitingroom import services


@pytest.mark.django_db(transaction=True)
def test_thirty_visitors_join_on_schedule_poll_and_are_let_through_in_line(live_server):
    event, ticket, tokens = waiting_room.prepare(30)
    services.configure(event=event, changes={
        "enabled": True, "opens_at": timezone.now() + datetime.timedelta(seconds=1), "rate_per_minute": 600})
    load = waiting_room.visit_all(
        live_server.url, event.slug, tokens, start=time.monotonic() + 0.5, join_seconds=1.0, poll_every=0.5,
        poll_seconds=3.0, connections=4,
    )
    # A thread of its own: the browser tests' Playwright may keep an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        found = pool.submit(asyncio.run, load).result()
    joins = {key: count for key, count in found["statuses"].items() if key[0] == "join"}
    assert sum(joins.values()) == 30
    assert {status for _, status, _ in joins} == {200}
    assert found["admitted"]  # the room opened and let people through at its rate
    assert len(found["admitted"]) <= 10 * 4 + 60
    assert len(set(found["positions"].values())) == len(found["positions"])
