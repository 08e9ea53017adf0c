"""Which ticket types are known to be sold out, so that refusing a buyer costs no database round trip.

A flash sale is mostly refusals: a thousand buyers for a hundred seats. Once
one refusal has read from the database that every seat of a ticket type is
taken, the board remembers it, and the next buyers are refused from memory.

What the board keeps, per ticket type:

- a **mark** "sold out until T": T is the first moment a seat could come
  back by itself (the earliest pending hold's expiry) or the answer could
  change by the calendar (the end of sales, the event's start), and never
  more than a few seconds ahead (a safety net, see below);
- a **version**, replaced by `forget` whenever seats come back or the ticket
  type or its event changes (a cancellation, an expiry, a quota raised, an
  admin edit). `forget` runs once that change has committed and drops the
  mark at once. A mark is written only if the version is still the one read
  *before* the database was: a refusal that read the old state can never
  leave a mark behind a change that committed after it.
- the **holders** of the event (buyers with an active registration), read
  with the mark and added to after every purchase: a buyer who already holds
  a ticket is not refused from memory, so they hear `already_registered`
  (their earlier answer may have been lost) exactly as before.

With `REDIS_URL` the board lives in Redis and every API process shares it:
`forget` in one process reaches all of them at once. Without Redis (`make
run`) each process keeps its own, and a mark lives at most
`SOLD_OUT_MEMORY_SECONDS`, so a seat released by another process is on sale
there again within that. The board only ever refuses earlier; whether a seat
is taken is still decided by the conditional UPDATE, so it can never cause a
sale beyond the quota. A Redis that does not answer reads as "not known".
"""

import datetime
import itertools
import logging
import threading
import time
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from eventhub import redis as shared

logger = logging.getLogger(__name__)

# A Redis mark lives at most this long: should a `forget` be lost (a process
# killed between its commit and the call), the board is right again by then.
MARK_SECONDS = 30
# The holders of an event, refreshed by every purchase and every mark; far
# longer than a mark, so no mark outlives the holders it was written with.
HOLDERS_SECONDS = 3600
# Always in a holders set, so that an existing set is told from an expired one.
_SENTINEL = "-"

_REFUSES = """
local mark = redis.call('GET', KEYS[1])
if not mark then return 0 end
local until_ms, event, check = string.match(mark, '^(%d+)|([^|]*)|(%d)$')
if not until_ms or tonumber(until_ms) <= tonumber(ARGV[2]) then return 0 end
if check == '1' then
  local holders = ARGV[3] .. event
  if redis.call('EXISTS', holders) == 0 or redis.call('SISMEMBER', holders, ARGV[1]) == 1 then return 0 end
end
return 1
"""

_REMEMBER = """
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
if #ARGV > 4 then
  for i = 5, #ARGV, 1000 do
    redis.call('SADD', KEYS[3], unpack(ARGV, i, math.min(i + 999, #ARGV)))
  end
  redis.call('EXPIRE', KEYS[3], ARGV[4])
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
"""

_FORGET = """
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
redis.call('DEL', KEYS[1])
return 1
"""

_ADD_HOLDER = """
redis.call('SADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


# After Redis fails to answer, it is left alone this long: a request must not wait out a timeout each.
RESTING_SECONDS = 5
_warned = [0.0]
_resting_until = [0.0]


def _unreachable(what: str = "") -> None:
    """Note that Redis did not answer: rest it a few seconds; log it at most once a minute per process."""
    now = time.monotonic()
    _resting_until[0] = now + RESTING_SECONDS
    if now - _warned[0] >= 60:
        _warned[0] = now
        logger.warning("The sold-out board's Redis did not answer%s", what, exc_info=True)


def _redis():
    """Return (configured, client): the shared client, or None while it rests after failing to answer."""
    client = shared.client()
    if client is None:
        return False, None
    return True, (client if time.monotonic() >= _resting_until[0] else None)


def _mark_key(ticket_id) -> str:
    return shared.key("soldout", "mark", ticket_id)


def _version_key(ticket_id) -> str:
    return shared.key("soldout", "version", ticket_id)


def _holders_key(event_id) -> str:
    return shared.key("soldout", "holders", event_id)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _ms(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1000)


class _ClientScripts:
    """The board's Lua scripts registered with one client (sent by hash after the first call).

    A check (every buyer's) and a new holder (every sale's) run on connections of their own
    (eventhub.redis.ScriptConnections): 20 us of CPU instead of 45 (a script call) or 39 (a pipeline).
    """

    def __init__(self, client):
        self.refuses = client.register_script(_REFUSES)
        self.remember = client.register_script(_REMEMBER)
        self.forget = client.register_script(_FORGET)
        self.add_holder = client.register_script(_ADD_HOLDER)
        self.connections = shared.ScriptConnections(client)


class _Scripts:
    def __init__(self):
        self._by_client: dict = {}

    def get(self, client) -> _ClientScripts:
        scripts = self._by_client.get(id(client))
        if scripts is None:
            scripts = self._by_client[id(client)] = _ClientScripts(client)
        return scripts


_scripts = _Scripts()


class _Memory:
    """The board of one process, for when no Redis is configured."""

    def __init__(self):
        self.lock = threading.Lock()
        self.marks: dict = {}  # ticket id -> (until ms, event id, check holders)
        self.versions: dict = {}  # ticket id -> version
        self.holders: dict = {}  # event id -> set of user ids
        self.counter = itertools.count(1)

    def clear(self) -> None:
        with self.lock:
            self.marks.clear()
            self.versions.clear()
            self.holders.clear()


_memory = _Memory()


def refuses(ticket_id, user_id) -> bool:
    """Return whether `ticket_id` is known to be sold out to `user_id` (who holds no ticket of its event)."""
    ticket_id, user_id, now = str(ticket_id), str(user_id), _now_ms()
    configured, client = _redis()
    if configured and client is None:
        return False
    if client is None:
        mark = _memory.marks.get(ticket_id)
        if mark is None or mark[0] <= now:
            return False
        if mark[2]:
            holders = _memory.holders.get(mark[1])
            return holders is not None and user_id not in holders
        return True
    scripts = _scripts.get(client)
    try:
        return bool(scripts.connections.run(scripts.refuses, [_mark_key(ticket_id)],
                                    [user_id, now, shared.key("soldout", "holders", "")]))
    except Exception:  # noqa: BLE001 - an unreachable Redis knows nothing
        _unreachable()
        return False


def version(ticket_id) -> str:
    """Return the current version of `ticket_id`'s entry: read it before reading the seats from the database."""
    ticket_id = str(ticket_id)
    configured, client = _redis()
    if configured and client is None:
        return "unreachable"
    if client is None:
        return str(_memory.versions.get(ticket_id, ""))
    try:
        return (client.get(_version_key(ticket_id)) or b"").decode()
    except Exception:  # noqa: BLE001
        _unreachable()
        return "unreachable"


def remember(
    *, ticket_id, event_id, seen: str, until: datetime.datetime | None, holders: Iterable | None
) -> bool:
    """Mark `ticket_id` sold out until `until` (None: until something changes), unless it changed since `seen`.

    `holders`: the users holding a ticket of the event, who are never refused
    from memory; None when holding one does not change the answer.
    Return whether the mark was written.
    """
    ticket_id, event_id, now = str(ticket_id), str(event_id), _now_ms()
    configured, client = _redis()
    if seen == "unreachable" or (configured and client is None):
        return False
    limit = now + int((MARK_SECONDS if client is not None else settings.SOLD_OUT_MEMORY_SECONDS) * 1000)
    until_ms = min(_ms(until), limit) if until is not None else limit
    if until_ms <= now:
        return False
    members = None if holders is None else [_SENTINEL, *(str(user) for user in holders)]
    if client is None:
        with _memory.lock:
            if str(_memory.versions.get(ticket_id, "")) != seen:
                return False
            if members is not None:
                _memory.holders.setdefault(event_id, set()).update(members)
            _memory.marks[ticket_id] = (until_ms, event_id, members is not None)
        return True
    remember_script = _scripts.get(client).remember
    try:
        return bool(remember_script(
            keys=[_mark_key(ticket_id), _version_key(ticket_id), _holders_key(event_id)],
            args=[seen, f"{until_ms}|{event_id}|{int(members is not None)}", until_ms - now, HOLDERS_SECONDS,
                  *(members or [])],
        ))
    except Exception:  # noqa: BLE001
        _unreachable()
        return False


def forget(ticket_id) -> None:
    """Drop what is known of `ticket_id` now: seats came back, or the ticket type or its event changed."""
    ticket_id = str(ticket_id)
    configured, client = _redis()
    with _memory.lock:
        _memory.marks.pop(ticket_id, None)
        _memory.versions[ticket_id] = next(_memory.counter)
    if client is None:
        if configured:
            logger.warning("The sold-out board's Redis is resting: ticket type %s forgotten only in this process "
                           "(its mark there ends by itself within %d s)", ticket_id, MARK_SECONDS)
        return
    forget_script = _scripts.get(client).forget
    try:
        # A fresh random version, never one seen before (a counter could come back to one after expiring).
        forget_script(keys=[_mark_key(ticket_id), _version_key(ticket_id)], args=[uuid.uuid4().hex, 86400])
    except Exception:  # noqa: BLE001
        _unreachable(f": ticket type {ticket_id} forgotten only in this process (its mark ends by itself)")


def forget_on_commit(*ticket_ids) -> None:
    """Forget `ticket_ids` now and again once the current transaction commits.

    The second time is the one that counts: a refusal reading the seats
    before the commit may have marked them meanwhile. The first is for
    transactions that never commit here (a test's), and costs nothing.
    """
    for ticket_id in ticket_ids:
        forget(ticket_id)
    transaction.on_commit(lambda: [forget(ticket_id) for ticket_id in ticket_ids])


def add_holder(*, event_id, user_id) -> None:
    """Record that `user_id` holds a ticket of `event_id` (call once their purchase has committed)."""
    event_id, user_id = str(event_id), str(user_id)
    configured, client = _redis()
    if configured and client is None:
        return
    if client is None:
        with _memory.lock:
            holders = _memory.holders.get(event_id)
            if holders is not None:
                holders.add(user_id)
        return
    scripts = _scripts.get(client)
    try:
        # Whether or not a mark exists yet: one being written from an older read then still sees this buyer.
        scripts.connections.run(scripts.add_holder, [_holders_key(event_id)], [_SENTINEL, user_id, HOLDERS_SECONDS])
    except Exception:  # noqa: BLE001
        _unreachable()


def clear_memory() -> None:
    """Forget everything this process remembers on its own, and that Redis failed (tests)."""
    _memory.clear()
    _resting_until[0] = 0.0
