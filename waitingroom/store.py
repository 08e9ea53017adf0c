"""Where the waiting rooms' queues live: Redis, or an in-process store with the same rules.

One visit (a join or a poll) is one atomic step — a Lua script in Redis, a
locked section in the embedded store — that:

1. reads the room's settings (cached in the store by event slug, so a visit
   needs no PostgreSQL; `services.push_room` writes them on every save), and
   marks the room opened once its opening time has come;
2. joins the visitor when asked: before the opening with a random score in
   [0, 1) (so the arrival order before it counts for nothing), after it with
   `1 + n` for the n-th later joiner (first come first served, always behind
   everyone who came early); a visitor already in line keeps their place;
3. admits the next people in line at the room's rate: a token bucket whose
   credit grows by `rate_per_minute / 60` a second and is capped at one batch
   (`batch_size`), so no span of time ever admits more than its share of the
   rate plus one batch; nothing accrues while paused or sold out;
4. answers the visitor's rank and whether it is below the admission cursor.

The queue is ordered by score; the cursor only grows and admission only starts
once the room has opened (after which no random score is handed out any more),
so the first `cursor` ranks are exactly the admitted, each admitted once.
"""

import bisect
import dataclasses
import math
import secrets
import threading

from django.conf import settings

from eventhub.redis import ScriptConnections

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is in requirements.txt
    class RedisError(Exception):
        pass

# What a store that cannot be reached raises.
STORE_ERRORS = (RedisError, OSError)

# Admission batches cover this many seconds of the rate (at least one person).
BATCH_SECONDS = 6


def batch_size(rate: int) -> int:
    """Return how many people one admission step may let through at `rate` per minute."""
    return max(1, math.ceil(rate * BATCH_SECONDS / 60))


@dataclasses.dataclass(frozen=True)
class Room:
    """A room's settings as the store keeps them (`event_id` empty: no such event)."""

    event_id: str
    active: bool = False
    enabled: bool = False
    opens_at: float = 0.0
    rate: int = 1
    paused: bool = False
    sold_out: bool = False
    # When Redis may drop the room's keys, settings and queue (seconds since the epoch; 0: never).
    expires_at: float = 0.0

    def as_fields(self) -> dict[str, str]:
        return {
            "id": self.event_id, "active": _flag(self.active), "enabled": _flag(self.enabled),
            "opens_at": repr(float(self.opens_at)), "rate": str(int(self.rate)), "paused": _flag(self.paused),
            "sold_out": _flag(self.sold_out), "expires": repr(float(self.expires_at)),
        }

    @classmethod
    def from_fields(cls, fields: dict) -> "Room":
        return cls(
            event_id=fields.get("id", ""), active=fields.get("active") == "1", enabled=fields.get("enabled") == "1",
            opens_at=float(fields.get("opens_at") or 0), rate=int(fields.get("rate") or 1),
            paused=fields.get("paused") == "1", sold_out=fields.get("sold_out") == "1",
            expires_at=float(fields.get("expires") or 0),
        )


@dataclasses.dataclass(frozen=True)
class Visit:
    """What one visit found.

    `state`: `unknown` (the store holds no settings for the slug: load them and
    retry), `not_found`, `off`, `not_in_queue`, `before_open`, `waiting`,
    `paused`, `sold_out` or `admitted`. `rank` is 0-based; `cursor` counts
    the admitted; `admitted_at` is when this visitor was first seen admitted.
    """

    state: str
    event_id: str = ""
    rank: int | None = None
    cursor: int = 0
    admitted_at: float | None = None
    rate: int = 1
    opens_at: float = 0.0


def _flag(value: bool) -> str:
    return "1" if value else "0"


def early_score() -> str:
    """Return a random score in [0, 1) for a visitor joining before the opening."""
    return repr(secrets.randbits(52) / 2**52)


class Store:
    """The interface both stores keep; `now` is seconds since the epoch."""

    def room(self, slug: str) -> Room | None:
        """Return the settings the store holds for `slug`, None when it holds none."""
        raise NotImplementedError

    def put_room(self, slug: str, room: Room, *, ttl: int | None = None) -> None:
        """Keep `room` as the settings of `slug` (for `ttl` seconds, else until replaced)."""
        raise NotImplementedError

    def set_sold_out(self, slug: str, sold_out: bool) -> None:
        """Record whether every ticket type of the event is sold out (no-op without settings)."""
        raise NotImplementedError

    def visit(
        self, slug: str, user: str, *, now: float, join: bool, score: str | None = None,
        requeue_after: float | None = None,
    ) -> Visit:
        """Run one admission step, join `user` when `join`, and return where `user` stands.

        Joining `requeue_after` seconds or more after one was first seen admitted (the pass has
        run out) puts one at the back of the line, as a new late joiner.
        """
        raise NotImplementedError

    def stats(self, event_id: str, *, now: float, pass_seconds: int) -> dict[str, int]:
        """Return `{waiting, admitted, buying}`: in line, let through in all, let through within a pass's life."""
        raise NotImplementedError

    def ping(self) -> None:
        """Raise when the store cannot be reached."""

    def admitted_at(self, event_id: str, user: str) -> float | None:
        """Return when `user` was first seen admitted to the event's queue, None if never."""
        raise NotImplementedError

    def set_logged_out(self, user: str, at: float, *, ttl: int) -> None:
        """Record that `user` logged out at `at`, for `ttl` seconds (waitingroom/visitors.py)."""
        raise NotImplementedError

    def logged_out_at(self, user: str) -> float | None:
        """Return when `user` last logged out, if within the time `set_logged_out` keeps it."""
        raise NotImplementedError


# --- Redis ---------------------------------------------------------------------

# KEYS[1]: the slug's settings hash. ARGV: key prefix, user, now, early score, join (0/1), batch seconds,
# requeue after (seconds after admission when joining again goes to the back of the line; '' never).
# The queue's keys are derived from the event id the settings name: prefix..'q:'..id (sorted set of
# user → score), prefix..'st:'..id (hash: opened, cursor, credit, last, seq), prefix..'adm:'..id
# (sorted set of user → when first seen admitted).
VISIT_LUA = """
local cfg = redis.call('HMGET', KEYS[1], 'id', 'active', 'enabled', 'opens_at', 'rate', 'paused', 'sold_out')
if not cfg[1] then return {'unknown'} end
local id = cfg[1]
if id == '' or cfg[2] ~= '1' then return {'not_found'} end
local opens = tonumber(cfg[4])
local rate = tonumber(cfg[5])
if cfg[3] ~= '1' then return {'off', id, '', '0', '', tostring(rate), cfg[4]} end
local paused = cfg[6] == '1'
local sold = cfg[7] == '1'
local prefix, user, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local q, st, adm = prefix .. 'q:' .. id, prefix .. 'st:' .. id, prefix .. 'adm:' .. id
local s = redis.call('HMGET', st, 'opened', 'cursor', 'credit', 'last')
local opened = s[1] == '1'
local cursor = tonumber(s[2] or '0')
local credit = tonumber(s[3] or '0')
local last = tonumber(s[4] or '0')
if now >= opens and not opened then
  opened = true
  last = opens
  credit = 0
  redis.call('HSET', st, 'opened', '1')
end
local score = redis.call('ZSCORE', q, user)
if not score then
  if ARGV[5] ~= '1' then return {'not_in_queue', id} end
  if not opened then
    score = ARGV[4]
  else
    score = string.format('%d', 1 + redis.call('HINCRBY', st, 'seq', 1))
  end
  redis.call('ZADD', q, 'NX', score, user)
elseif ARGV[5] == '1' and ARGV[7] ~= '' and opened then
  -- Joining again once one's pass has run out: to the back of the line, as a new late joiner.
  local seen = redis.call('ZSCORE', adm, user)
  if seen and now >= tonumber(seen) + tonumber(ARGV[7]) and redis.call('ZRANK', q, user) < cursor then
    redis.call('ZREM', q, user)
    redis.call('ZREM', adm, user)
    cursor = cursor - 1
    score = string.format('%d', 1 + redis.call('HINCRBY', st, 'seq', 1))
    redis.call('ZADD', q, score, user)
    redis.call('HSET', st, 'cursor', string.format('%d', cursor))
  end
end
if opened and now >= opens then
  if paused or sold then
    if now > last then last = now end
  else
    local batch = math.max(1, math.ceil(rate * tonumber(ARGV[6]) / 60))
    if now > last then
      credit = math.min(batch, credit + (now - last) * rate / 60)
      last = now
    end
    local n = math.floor(credit)
    if n > 0 then
      local k = math.min(n, redis.call('ZCARD', q) - cursor)
      if k > 0 then
        cursor = cursor + k
        credit = credit - k
      end
    end
  end
  redis.call('HSET', st, 'cursor', string.format('%d', cursor), 'credit', string.format('%.17g', credit),
             'last', string.format('%.17g', last))
end
local rank = redis.call('ZRANK', q, user)
local state
local at = ''
if rank < cursor then
  state = 'admitted'
  at = redis.call('ZSCORE', adm, user)
  if not at then
    at = ARGV[3]
    redis.call('ZADD', adm, at, user)
  end
elseif sold then state = 'sold_out'
elseif not opened then state = 'before_open'
elseif paused then state = 'paused'
else state = 'waiting' end
return {state, id, tostring(rank), string.format('%d', cursor), at, tostring(rate), cfg[4]}
"""

STATS_LUA = """
local cursor = tonumber(redis.call('HGET', KEYS[2], 'cursor') or '0')
local size = redis.call('ZCARD', KEYS[1])
local buying = redis.call('ZCOUNT', KEYS[3], ARGV[1], '+inf')
return {math.max(0, size - cursor), cursor, buying}
"""


class RedisStore(Store):
    def __init__(self, url: str, *, prefix: str):
        import redis

        self.prefix = prefix
        self.client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5)
        self._visit = self.client.register_script(VISIT_LUA)
        self._stats = self.client.register_script(STATS_LUA)
        # A visit is one EVALSHA on a connection of the visits' own.
        self._visit_connections = ScriptConnections(self.client)

    def _room_key(self, slug: str) -> str:
        return f"{self.prefix}room:{slug}"

    def room(self, slug):
        fields = self.client.hgetall(self._room_key(slug))
        return Room.from_fields(fields) if fields else None

    def put_room(self, slug, room, *, ttl=None):
        key = self._room_key(slug)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping=room.as_fields())
            if ttl:
                pipe.expire(key, ttl)
            elif room.expires_at:
                # The queue's keys follow the settings (on a key not made yet this does nothing: the
                # scheduler's refresh of every room that is on comes back to them within seconds).
                for name in (key, *(f"{self.prefix}{kind}:{room.event_id}" for kind in ("q", "st", "adm"))):
                    pipe.expireat(name, int(room.expires_at))
            pipe.execute()

    def set_sold_out(self, slug, sold_out):
        # Only where settings are kept: a lone field would read as a room with no event.
        self.client.eval(
            "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'sold_out', ARGV[1]) end",
            1, self._room_key(slug), _flag(sold_out),
        )

    def visit(self, slug, user, *, now, join, score=None, requeue_after=None):
        found = self._visit_connections.run(
            self._visit,
            [self._room_key(slug)],
            # Only a join may need a random score (a poll would spend a system call on one for nothing).
            [self.prefix, user, repr(float(now)), (score or early_score()) if join else "", "1" if join else "0",
             BATCH_SECONDS, "" if requeue_after is None else repr(float(requeue_after))],
        )
        state = found[0]
        if len(found) < 3:
            return Visit(state=state, event_id=found[1] if len(found) > 1 else "")
        return Visit(
            state=state, event_id=found[1], rank=int(found[2]) if found[2] != "" else None, cursor=int(found[3]),
            admitted_at=float(found[4]) if found[4] else None, rate=int(found[5]), opens_at=float(found[6]),
        )

    def stats(self, event_id, *, now, pass_seconds):
        waiting, admitted, buying = self._stats(
            keys=[f"{self.prefix}q:{event_id}", f"{self.prefix}st:{event_id}", f"{self.prefix}adm:{event_id}"],
            args=[repr(float(now - pass_seconds))],
        )
        return {"waiting": int(waiting), "admitted": int(admitted), "buying": int(buying)}

    def ping(self):
        self.client.ping()

    def admitted_at(self, event_id, user):
        found = self.client.zscore(f"{self.prefix}adm:{event_id}", user)
        return float(found) if found is not None else None

    def set_logged_out(self, user, at, *, ttl):
        self.client.set(f"{self.prefix}out:{user}", repr(float(at)), ex=ttl)

    def logged_out_at(self, user):
        found = self.client.get(f"{self.prefix}out:{user}")
        return float(found) if found else None


# --- The embedded store (no REDIS_URL) -------------------------------------------


@dataclasses.dataclass
class _Queue:
    entries: list = dataclasses.field(default_factory=list)  # sorted (score, user)
    scores: dict = dataclasses.field(default_factory=dict)  # user -> score
    admitted_at: dict = dataclasses.field(default_factory=dict)  # user -> when first seen admitted
    opened: bool = False
    cursor: int = 0
    credit: float = 0.0
    last: float = 0.0
    seq: int = 0


class MemoryStore(Store):
    """The same rules in this process, under one lock: for `make run` (one process) and the tests.

    Several processes would each keep a queue of their own: production sets REDIS_URL.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._rooms: dict[str, tuple[Room, float | None]] = {}
        self._queues: dict[str, _Queue] = {}
        self._logouts: dict[str, tuple[float, float]] = {}  # user -> (when, kept until, monotonic)

    def room(self, slug):
        import time

        with self._lock:
            kept = self._rooms.get(slug)
            if kept is None:
                return None
            room, expires = kept
            if expires is not None and expires <= time.monotonic():
                del self._rooms[slug]
                return None
            return room

    def put_room(self, slug, room, *, ttl=None):
        import time

        with self._lock:
            self._rooms[slug] = (room, time.monotonic() + ttl if ttl else None)

    def set_sold_out(self, slug, sold_out):
        with self._lock:
            kept = self._rooms.get(slug)
            if kept is not None:
                self._rooms[slug] = (dataclasses.replace(kept[0], sold_out=sold_out), kept[1])

    def visit(self, slug, user, *, now, join, score=None, requeue_after=None):
        # Scores cross the same text form as in Redis, so both stores order alike.
        early = float(score or early_score()) if join else 0.0
        with self._lock:
            kept = self._rooms.get(slug)
            if kept is None:
                return Visit(state="unknown")
            room = kept[0]
            if not room.event_id or not room.active:
                return Visit(state="not_found")
            if not room.enabled:
                return Visit(state="off", event_id=room.event_id, rate=room.rate, opens_at=room.opens_at)
            queue = self._queues.setdefault(room.event_id, _Queue())
            if now >= room.opens_at and not queue.opened:
                queue.opened, queue.last, queue.credit = True, room.opens_at, 0.0
            mine = queue.scores.get(user)
            if mine is None:
                if not join:
                    return Visit(state="not_in_queue", event_id=room.event_id)
                if not queue.opened:
                    mine = early
                else:
                    queue.seq += 1
                    mine = float(1 + queue.seq)
                queue.scores[user] = mine
                bisect.insort(queue.entries, (mine, user))
            elif join and requeue_after is not None and queue.opened:
                seen = queue.admitted_at.get(user)
                if seen is not None and now >= seen + requeue_after:
                    index = bisect.bisect_left(queue.entries, (mine, user))
                    if index < queue.cursor:
                        del queue.entries[index]
                        del queue.admitted_at[user]
                        queue.cursor -= 1
                        queue.seq += 1
                        mine = queue.scores[user] = float(1 + queue.seq)
                        bisect.insort(queue.entries, (mine, user))
            if queue.opened and now >= room.opens_at:
                if room.paused or room.sold_out:
                    queue.last = max(queue.last, now)
                else:
                    if now > queue.last:
                        queue.credit = min(batch_size(room.rate), queue.credit + (now - queue.last) * room.rate / 60)
                        queue.last = now
                    k = min(math.floor(queue.credit), len(queue.entries) - queue.cursor)
                    if k > 0:
                        queue.cursor += k
                        queue.credit -= k
            rank = bisect.bisect_left(queue.entries, (mine, user))
            at = None
            if rank < queue.cursor:
                state = "admitted"
                at = queue.admitted_at.setdefault(user, float(now))
            elif room.sold_out:
                state = "sold_out"
            elif not queue.opened:
                state = "before_open"
            elif room.paused:
                state = "paused"
            else:
                state = "waiting"
            return Visit(
                state=state, event_id=room.event_id, rank=rank, cursor=queue.cursor, admitted_at=at,
                rate=room.rate, opens_at=room.opens_at,
            )

    def stats(self, event_id, *, now, pass_seconds):
        with self._lock:
            queue = self._queues.get(event_id) or _Queue()
            since = now - pass_seconds
            return {
                "waiting": max(0, len(queue.entries) - queue.cursor), "admitted": queue.cursor,
                "buying": sum(1 for at in queue.admitted_at.values() if at >= since),
            }

    def admitted_at(self, event_id, user):
        with self._lock:
            queue = self._queues.get(event_id)
            return queue.admitted_at.get(user) if queue is not None else None

    def set_logged_out(self, user, at, *, ttl):
        import time

        with self._lock:
            self._logouts[user] = (float(at), time.monotonic() + ttl)

    def logged_out_at(self, user):
        import time

        with self._lock:
            kept = self._logouts.get(user)
            if kept is None or kept[1] <= time.monotonic():
                return None
            return kept[0]


_store: Store | None = None
_store_lock = threading.Lock()


def get_store() -> Store:
    """Return the process's store: Redis at REDIS_URL, else the embedded one."""
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                if settings.REDIS_URL:
                    _store = RedisStore(settings.REDIS_URL, prefix=settings.WAITING_ROOM_KEY_PREFIX)
                else:
                    _store = MemoryStore()
    return _store


def use_store(store: Store | None) -> None:
    """Make `store` the process's store (None: pick again from the settings on next use)."""
    global _store
    with _store_lock:
        _store = store
