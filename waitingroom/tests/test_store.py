"""The queue's rules under real concurrency, on Redis and on the embedded store (issue 12's acceptance)."""

import concurrent.futures
import socket
import threading
import uuid

import pytest

from waitingroom.store import RedisStore, Room, batch_size

OPENS = 1_900_000_000.0  # the opening, in seconds since the epoch
SLUG = "konser-besar"


def _room(store, **values) -> str:
    event_id = str(uuid.uuid4())
    settings = {"active": True, "enabled": True, "opens_at": OPENS, "rate": 60, "paused": False, "sold_out": False}
    settings.update(values)
    store.put_room(SLUG, Room(event_id=event_id, **settings))
    return event_id


def _users(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def _parallel(func, items, *, threads: int = 32) -> list:
    barrier = threading.Barrier(threads)

    def start(_):
        barrier.wait()

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(start, range(threads)))  # every worker thread up before the first call
        return list(pool.map(func, items))


def _last_drawn_last(store, users) -> list[str]:
    """Join `users` before the opening; return them in the order the draw placed them."""
    ranks = {user: store.visit(SLUG, user, now=OPENS - 1, join=True).rank for user in users}
    ranks = {user: store.visit(SLUG, user, now=OPENS - 1, join=False).rank for user in users}
    return sorted(users, key=ranks.get)


def _admit_all(store, users, *, start: float, step: float = 1.0, limit: int = 100_000) -> list[str]:
    """Let time pass until everyone is admitted; return the users in the order they were let through."""
    order, seen, now = [], set(), start
    for _ in range(limit):
        now += step
        for user in users:
            if user not in seen and store.visit(SLUG, user, now=now, join=False).state == "admitted":
                seen.add(user)
                order.append((store.visit(SLUG, user, now=now, join=False).rank, user))
        if len(seen) == len(users):
            break
    return [user for _, user in sorted(order)]


def test_2000_users_joining_in_parallel_get_2000_distinct_positions(store):
    _room(store, opens_at=OPENS - 60)
    users = _users(2000)
    visits = _parallel(lambda user: store.visit(SLUG, user, now=OPENS, join=True), users)
    positions = [visit.rank + 1 for visit in visits]
    assert sorted(positions) == list(range(1, 2001))


def test_2000_users_joining_before_the_opening_in_parallel_end_up_in_2000_distinct_places(store):
    _room(store)
    users = _users(2000)
    _parallel(lambda user: store.visit(SLUG, user, now=OPENS - 30, join=True), users)
    places = _parallel(lambda user: store.visit(SLUG, user, now=OPENS + 0.5, join=False).rank, users)
    assert sorted(places) == list(range(2000))


def test_joining_again_keeps_the_place(store):
    event_id = _room(store)
    early, late = _users(2)
    first = store.visit(SLUG, early, now=OPENS - 10, join=True)
    assert first.state == "before_open"
    assert store.visit(SLUG, early, now=OPENS - 5, join=True).rank == first.rank
    late_first = store.visit(SLUG, late, now=OPENS + 10, join=True)
    again = _parallel(lambda _: store.visit(SLUG, late, now=OPENS + 11, join=True).rank, range(50))
    assert set(again) == {late_first.rank}
    stats = store.stats(event_id, now=OPENS + 11, pass_seconds=900)
    assert stats["waiting"] + stats["admitted"] == 2


def test_early_joiners_are_let_through_in_a_random_order_and_later_ones_in_arrival_order(store):
    _room(store, rate=600)
    early, late = _users(200), _users(100)
    for index, user in enumerate(early):  # one by one: the arrival order is known
        store.visit(SLUG, user, now=OPENS - 100 + index * 0.1, join=True)
    for index, user in enumerate(late):
        store.visit(SLUG, user, now=OPENS + index * 0.001, join=True)
    admitted = _admit_all(store, early + late, start=OPENS + 0.1)
    assert set(admitted[:200]) == set(early)  # everyone early before everyone late
    assert admitted[:200] != early  # ... but not in the order they came
    assert admitted[200:] == late  # after the opening: first come first served
    # Not merely shuffled a little: the arrival order says next to nothing about the place.
    rank = {user: place for place, user in enumerate(admitted[:200])}
    moved = sum(1 for index, user in enumerate(early) if abs(rank[user] - index) > 10)
    assert moved > 100


def test_the_draw_differs_between_two_rooms(store):
    orders = []
    for _ in range(2):
        _room(store, rate=600)
        users = [f"user-{n}" for n in range(50)]
        for user in users:
            store.visit(SLUG, user, now=OPENS - 1, join=True)
        orders.append(_admit_all(store, users, start=OPENS))
    assert orders[0] != orders[1]


def test_nobody_is_let_through_twice_while_thousands_poll_at_once(store):
    event_id = _room(store, rate=6000, opens_at=OPENS)
    users = _users(1000)
    _parallel(lambda user: store.visit(SLUG, user, now=OPENS - 1, join=True), users)
    firsts: dict[str, float] = {}
    lock = threading.Lock()

    def poll(args):
        user, now = args
        visit = store.visit(SLUG, user, now=now, join=False)
        if visit.state == "admitted":
            with lock:
                # The moment of admission never moves: a second admission would stamp a new one.
                assert firsts.setdefault(user, visit.admitted_at) == visit.admitted_at
        return visit

    for second in range(1, 12):
        _parallel(poll, [(user, OPENS + second + n / 1000) for n, user in enumerate(users)])
    stats = store.stats(event_id, now=OPENS + 12, pass_seconds=900)
    assert stats["admitted"] == len(firsts) == 1000
    assert stats["waiting"] == 0
    assert stats["buying"] == 1000


def test_admission_never_runs_ahead_of_the_rate_by_more_than_one_batch(store):
    rate = 120
    event_id = _room(store, rate=rate)
    users = _users(600)
    _parallel(lambda user: store.visit(SLUG, user, now=OPENS - 1, join=True), users)
    counts = []  # (time, admitted so far)

    def poll(args):
        user, now = args
        store.visit(SLUG, user, now=now, join=False)

    # Five simulated minutes, the visitors polling in parallel; the clock of each poll jitters a little.
    for tick in range(300):
        now = OPENS + tick
        _parallel(poll, [(user, now + (n % 7) / 10) for n, user in enumerate(users[:40])], threads=8)
        counts.append((now + 1, store.stats(event_id, now=now + 1, pass_seconds=900)["admitted"]))
    batch = batch_size(rate)
    for i, (t1, a1) in enumerate(counts):
        for t2, a2 in counts[i + 1:]:
            assert a2 - a1 <= rate * (t2 - t1 + 1) / 60 + batch
    # ... and keeps up with it while people wait.
    assert counts[-1][1] >= rate * 5 - batch


def test_a_paused_room_lets_nobody_through_and_resumes_without_a_burst(store):
    event_id = _room(store, rate=60)
    users = _last_drawn_last(store, _users(300))
    store.visit(SLUG, users[0], now=OPENS + 30, join=False)
    before = store.stats(event_id, now=OPENS + 30, pass_seconds=900)["admitted"]
    assert 0 < before <= 30 + batch_size(60)
    store.put_room(SLUG, Room(event_id=event_id, active=True, enabled=True, opens_at=OPENS, rate=60, paused=True))
    for second in range(31, 120):
        assert store.visit(SLUG, users[-1], now=OPENS + second, join=False).state == "paused"
    assert store.stats(event_id, now=OPENS + 120, pass_seconds=900)["admitted"] == before
    store.put_room(SLUG, Room(event_id=event_id, active=True, enabled=True, opens_at=OPENS, rate=60, paused=False))
    store.visit(SLUG, users[-1], now=OPENS + 121, join=False)
    # Two seconds since the last visit while paused: no credit was saved up during the pause.
    assert store.stats(event_id, now=OPENS + 121, pass_seconds=900)["admitted"] == before + 2


def test_sold_out_is_told_to_everyone_still_waiting(store):
    _room(store, rate=60)
    users = _last_drawn_last(store, _users(100))
    store.visit(SLUG, users[0], now=OPENS + 3, join=False)
    admitted = [u for u in users if store.visit(SLUG, u, now=OPENS + 3, join=False).state == "admitted"]
    assert admitted
    store.set_sold_out(SLUG, True)
    states = {u: store.visit(SLUG, u, now=OPENS + 60, join=False).state for u in users}
    assert {states[u] for u in users if u not in admitted} == {"sold_out"}
    assert {states[u] for u in admitted} == {"admitted"}
    assert store.visit(SLUG, str(uuid.uuid4()), now=OPENS + 60, join=True).state == "sold_out"
    store.set_sold_out(SLUG, False)  # seats came back
    assert store.visit(SLUG, users[-1], now=OPENS + 61, join=False).state == "waiting"


def test_a_room_that_is_off_or_unknown_queues_nobody(store):
    assert store.visit("tidak-ada", "u", now=OPENS, join=True).state == "unknown"
    store.put_room("tidak-ada", Room(event_id=""))
    assert store.visit("tidak-ada", "u", now=OPENS, join=True).state == "not_found"
    _room(store, enabled=False)
    assert store.visit(SLUG, "u", now=OPENS, join=True).state == "off"
    _room(store)
    assert store.visit(SLUG, "u", now=OPENS, join=False).state == "not_in_queue"


@pytest.mark.parametrize("rate", [1, 59, 60, 600, 100_000])
def test_a_batch_is_at_least_one_person_and_six_seconds_of_the_rate(rate):
    assert batch_size(rate) == max(1, -(-rate * 6 // 60))


@pytest.fixture
def redis_store(store):
    if not isinstance(store, RedisStore):
        pytest.skip("Redis only: the visits' own connections")
    return store


def test_a_visit_loads_the_script_when_redis_does_not_know_it(redis_store):
    _room(redis_store)
    user = _users(1)[0]
    real = redis_store._visit.sha
    redis_store._visit.sha = "0" * 40  # as after a Redis restart: EVALSHA answers NOSCRIPT
    assert redis_store.visit(SLUG, user, now=OPENS - 1, join=True).state == "before_open"
    assert redis_store._visit.sha == real
    assert redis_store.visit(SLUG, user, now=OPENS - 1, join=False).rank == 0


def test_a_visit_on_a_broken_connection_is_answered_on_a_new_one(redis_store):
    _room(redis_store)
    user = _users(1)[0]
    redis_store.visit(SLUG, user, now=OPENS - 1, join=True)
    [conn] = redis_store._visit_connections.idle
    conn._sock.shutdown(socket.SHUT_RDWR)  # as when Redis closed it (a restart, a client timeout)
    assert redis_store.visit(SLUG, user, now=OPENS - 1, join=False).state == "before_open"
    assert conn not in redis_store._visit_connections.idle


def test_visits_in_parallel_each_take_a_connection_of_their_own(redis_store):
    _room(redis_store, opens_at=OPENS - 60)
    users = _users(200)
    found = _parallel(lambda user: redis_store.visit(SLUG, user, now=OPENS, join=True), users)
    assert sorted(visit.rank for visit in found) == list(range(200))
    assert 1 <= len(redis_store._visit_connections.idle) <= 32
    assert len({id(conn) for conn in redis_store._visit_connections.idle}) == len(redis_store._visit_connections.idle)
