"""The waiting room's tests run twice: on Redis (REDIS_URL, as in production) and on the embedded store.

With CI=true a Redis that cannot be reached fails these tests; elsewhere the
Redis half is skipped with the reason.
"""

import os

import pytest

from waitingroom import gate
from waitingroom.store import STORE_ERRORS, MemoryStore, RedisStore, use_store


def _redis_store(settings) -> RedisStore:
    url = settings.REDIS_URL or os.environ.get("REDIS_URL", "")
    ci = os.environ.get("CI") == "true"
    if not url:
        message = "REDIS_URL is not set: the waiting room's tests need a Redis (make test sets redis://127.0.0.1:6379/0)"
        pytest.fail(message) if ci else pytest.skip(message)
    found = RedisStore(url, prefix=settings.WAITING_ROOM_KEY_PREFIX)
    try:
        found.ping()
    except STORE_ERRORS as exc:
        message = f"Redis is not reachable at {url}: {exc} (start it: redis-server --daemonize yes)"
        pytest.fail(message) if ci else pytest.skip(message)
    return found


@pytest.fixture(params=["redis", "embedded"])
def store(request, settings):
    """The store the app uses during the test: Redis, then the embedded one."""
    found = _redis_store(settings) if request.param == "redis" else MemoryStore()
    use_store(found)
    gate.forget_all()
    yield found
    use_store(None)
    gate.forget_all()
    if isinstance(found, RedisStore):
        keys = list(found.client.scan_iter(match=found.prefix + "*", count=1000))
        if keys:
            found.client.delete(*keys)
