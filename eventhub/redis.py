"""The Redis every API process shares (`REDIS_URL`), or None where none is configured (`make run`).

One client per process, built on first use (gunicorn forks workers before
any request, so no connection crosses a fork). Short timeouts: Redis holds
shared knowledge that speeds things up, and a Redis that does not answer
must slow a request by milliseconds, not stall it. Keys carry
`REDIS_KEY_PREFIX`, so tests (and several sites on one Redis) keep apart.
"""

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
