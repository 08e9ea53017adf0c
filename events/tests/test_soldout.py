"""The sold-out board: what it remembers, and that every change it is told of wins over an older read."""

import datetime
import uuid

import pytest
from django.utils import timezone

from events import soldout


def ids():
    return uuid.uuid4(), uuid.uuid4()


def later(seconds: float = 60) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def test_it_refuses_a_ticket_type_it_was_told_is_sold_out(sold_out_board):
    ticket, event = ids()
    assert not soldout.refuses(ticket, uuid.uuid4())
    assert soldout.remember(ticket_id=ticket, event_id=event, seen=soldout.version(ticket), until=later(), holders=None)
    assert soldout.refuses(ticket, uuid.uuid4())
    assert not soldout.refuses(uuid.uuid4(), uuid.uuid4())


def test_it_forgets_at_once_when_seats_come_back(sold_out_board):
    ticket, event = ids()
    soldout.remember(ticket_id=ticket, event_id=event, seen=soldout.version(ticket), until=later(), holders=None)
    soldout.forget(ticket)
    assert not soldout.refuses(ticket, uuid.uuid4())


def test_a_read_older_than_a_release_leaves_no_mark(sold_out_board):
    ticket, event = ids()
    seen = soldout.version(ticket)  # a refusal starts reading the seats…
    soldout.forget(ticket)  # …a cancellation commits and forgets…
    # …and the refusal, which read the seats before that, must not mark them sold out.
    assert not soldout.remember(ticket_id=ticket, event_id=event, seen=seen, until=later(), holders=None)
    assert not soldout.refuses(ticket, uuid.uuid4())
    # A read started after the release may.
    assert soldout.remember(ticket_id=ticket, event_id=event, seen=soldout.version(ticket), until=later(), holders=None)
    assert soldout.refuses(ticket, uuid.uuid4())


def test_a_mark_ends_when_the_first_hold_runs_out(sold_out_board):
    ticket, event = ids()
    soldout.remember(ticket_id=ticket, event_id=event, seen=soldout.version(ticket), until=later(0.3), holders=None)
    assert soldout.refuses(ticket, uuid.uuid4())
    import time

    time.sleep(0.4)
    assert not soldout.refuses(ticket, uuid.uuid4())
    assert not soldout.remember(ticket_id=ticket, event_id=event, seen=soldout.version(ticket),
                                until=timezone.now() - datetime.timedelta(seconds=1), holders=None)


def test_holders_of_the_event_are_never_refused_from_memory(sold_out_board):
    ticket, event = ids()
    holder, later_holder, stranger = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    soldout.remember(ticket_id=ticket, event_id=event, seen=soldout.version(ticket), until=later(), holders=[holder])
    soldout.add_holder(event_id=event, user_id=later_holder)  # bought another ticket type of the event since
    assert not soldout.refuses(ticket, holder)
    assert not soldout.refuses(ticket, later_holder)
    assert soldout.refuses(ticket, stranger)


def test_a_purchase_committed_while_a_mark_is_written_still_counts_its_buyer(settings):
    # Redis only: the holders set is shared, and a buyer added before the mark is written stays in it.
    import os

    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    settings.REDIS_KEY_PREFIX = f"test-{uuid.uuid4().hex[:12]}:"
    ticket, event = ids()
    buyer = uuid.uuid4()
    seen = soldout.version(ticket)
    soldout.add_holder(event_id=event, user_id=buyer)  # committed after the refusal read the holders
    soldout.remember(ticket_id=ticket, event_id=event, seen=seen, until=later(), holders=[])
    assert not soldout.refuses(ticket, buyer)
    assert soldout.refuses(ticket, uuid.uuid4())


def test_without_redis_a_mark_lives_at_most_the_memory_seconds(settings):
    settings.REDIS_URL = ""
    settings.SOLD_OUT_MEMORY_SECONDS = 0.2
    ticket, event = ids()
    soldout.remember(ticket_id=ticket, event_id=event, seen=soldout.version(ticket), until=later(), holders=None)
    assert soldout.refuses(ticket, uuid.uuid4())
    import time

    time.sleep(0.3)
    assert not soldout.refuses(ticket, uuid.uuid4())


def test_an_unreachable_redis_knows_nothing_and_fails_nothing(settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    settings.REDIS_TIMEOUT = 0.2
    ticket, event = ids()
    seen = soldout.version(ticket)
    assert not soldout.remember(ticket_id=ticket, event_id=event, seen=seen, until=later(), holders=None)
    assert not soldout.refuses(ticket, uuid.uuid4())
    soldout.forget(ticket)
    soldout.add_holder(event_id=event, user_id=uuid.uuid4())


@pytest.mark.parametrize("holders", [None, []])
def test_forget_on_commit_forgets_now_and_after_the_commit(db, sold_out_board, holders, django_capture_on_commit_callbacks):
    ticket, event = ids()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        soldout.forget_on_commit(ticket)
    # A refusal reads the seats before the commit and marks them…
    soldout.remember(ticket_id=ticket, event_id=event, seen=soldout.version(ticket), until=later(), holders=holders)
    assert soldout.refuses(ticket, uuid.uuid4())
    for callback in callbacks:  # …the commit forgets them again.
        callback()
    assert not soldout.refuses(ticket, uuid.uuid4())


def test_a_redis_that_failed_is_left_alone_for_a_few_seconds(settings):
    import time

    settings.REDIS_URL = "redis://eventhub-no-such-host.invalid:6379/0"
    settings.REDIS_TIMEOUT = 0.5
    ticket = uuid.uuid4()
    assert not soldout.refuses(ticket, uuid.uuid4())  # pays for finding out once
    started = time.monotonic()
    for _ in range(20):
        assert not soldout.refuses(ticket, uuid.uuid4())
        assert soldout.version(ticket) == "unreachable"
    assert time.monotonic() - started < 0.2


def test_a_check_on_a_broken_connection_is_answered_on_a_new_one(settings):
    import os
    import socket

    from eventhub import redis as shared

    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    settings.REDIS_KEY_PREFIX = f"test-{uuid.uuid4().hex[:12]}:"
    ticket, event = ids()
    soldout.remember(ticket_id=ticket, event_id=event, seen=soldout.version(ticket), until=later(), holders=None)
    assert soldout.refuses(ticket, uuid.uuid4())
    connections = soldout._scripts.get(shared.client()).connections
    broken = list(connections.idle)  # the checks' own (earlier tests' threads may have left several)
    assert broken
    for conn in broken:
        conn._sock.shutdown(socket.SHUT_RDWR)  # as when Redis closed it (a restart, a client timeout)
    for _ in broken:
        assert soldout.refuses(ticket, uuid.uuid4())
    assert not set(map(id, broken)) & set(map(id, connections.idle))
