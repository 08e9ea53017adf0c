"""The Redis every API process shares (`REDIS_URL`), or None where none is configured (`make run`).

One client per process, built on first use (gunicorn forks workers before
any request, so no connection crosses a fork). Short timeouts: Redis holds
shared knowledge that speeds things up, and a Redis that does not answer
must slow a request by milliseconds, not stall it. Keys carry
`REDIS_KEY_PREFIX`, so tests (and several sites on one Redis) keep apart.
"""

import os
import threading

from django.conf import settings

_lock = threading.Lock()
_clients: dict = {}


def client():
    """Return the shared `redis.Redis` client, or None when `REDIS_URL` is not set."""
    url = settings.REDIS_URL
    if not url:
        return None
    found = _clients.get(url)
    if found is None:
        import redis

        with _lock:
            found = _clients.get(url) or redis.Redis.from_url(
                url, socket_timeout=settings.REDIS_TIMEOUT, socket_connect_timeout=settings.REDIS_TIMEOUT,
                health_check_interval=30,
            )
            _clients[url] = found
    return found


def key(*parts) -> str:
    """Return the Redis key for `parts`, under this site's prefix."""
    return settings.REDIS_KEY_PREFIX + ":".join(str(part) for part in parts)


class ScriptConnections:
    """Connections of a client's own on which its hot-path scripts run: each call one EVALSHA.

    A waiting-room visit and a sold-out check are the hot paths of an
    on-sale, and the client's way to run a script (its pool's lock and check
    of a connection for stray data, a system call; its retry wrapper; the
    script's bookkeeping) cost more CPU than the round trip itself: 34 us
    against 16 a call. Connections are taken from and given back to a plain
    list (both atomic), so each is used by one thread at a time; one made
    before a fork is left behind. Anything unusual (the script not loaded
    yet, a broken connection) is left to the client's own way, which loads
    the script and retries.
    """

    def __init__(self, client):
        self.client = client
        self.idle: list = []

    def run(self, script, keys: list, args: list):
        """Return `script(keys=keys, args=args)` (a script registered with this client)."""
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import NoScriptError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        try:
            conn = self.idle.pop()
        except IndexError:
            conn = None
        if conn is None or conn.pid != os.getpid():
            pool = self.client.connection_pool
            conn = pool.connection_class(**pool.connection_kwargs)
        try:
            conn.send_packed_command(conn.pack_command("EVALSHA", script.sha, len(keys), *keys, *args), check_health=False)
            found = conn.read_response()
        except NoScriptError:
            self.idle.append(conn)
        except (RedisConnectionError, RedisTimeoutError, OSError):
            conn.disconnect()
        except BaseException:
            conn.disconnect()  # a reply may be left unread: never reuse it
            raise
        else:
            self.idle.append(conn)
            return found
        return script(keys=keys, args=args)
