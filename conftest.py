"""Fixtures shared by every app's tests."""

import pytest
from django.conf import settings

# Race tests run 50+ threads, each on its own connection: let the pool hand them out.
_pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
if isinstance(_pool, dict):
    _pool["max_size"] = max(_pool.get("max_size", 10), 64)


def pytest_collection_modifyitems(config, items):
    """On SQLite (`make sqlite-test`), skip what only PostgreSQL can show: races and snapshot cursors.

    A test using the race runner needs PostgreSQL; others say so with
    `@pytest.mark.postgresql`. On PostgreSQL (`make test`) every test runs.
    """
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; the hot paths' SQLite branches run in make sqlite-test")
    for item in items:
        if "race" in getattr(item, "fixturenames", ()) or item.get_closest_marker("postgresql"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_var(settings, tmp_path):
    """Keep mail and media of each test in its own directory."""
    settings.MAIL_DIR = tmp_path / "mail"
    settings.MEDIA_ROOT = tmp_path / "media"
    storages = {**settings.STORAGES}
    if storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage":
        storages["default"] = {**storages["default"], "OPTIONS": {"location": tmp_path / "media", "base_url": None}}
        settings.STORAGES = storages


@pytest.fixture(params=["memory", "redis"])
def sold_out_board(request, settings):
    """Run a test with each sold-out board (events.soldout): this process's memory, then Redis.

    Redis is REDIS_URL's (else 127.0.0.1:6379/15), under a key prefix of the test's own.
    """
    import os
    import uuid

    if request.param == "redis":
        settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
        settings.REDIS_KEY_PREFIX = f"test-{uuid.uuid4().hex[:12]}:"
    else:
        settings.REDIS_URL = ""
    return request.param


@pytest.fixture
def user(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff(db):
    from accounts.tests.factories import AdminFactory

    return AdminFactory()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start each test with an empty cache (API throttling counts live there) and sold-out board."""
    from django.core.cache import cache

    from accounts.authentication import JWTAuthentication

    from events import soldout

    cache.clear()
    JWTAuthentication._recent_users.clear()
    soldout.clear_memory()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _isolated_waiting_rooms(settings):
    """Give each test waiting-room keys of its own in Redis (REDIS_URL), and drop them afterwards."""
    import uuid

    from waitingroom import gate, store

    settings.WAITING_ROOM_KEY_PREFIX = f"test:{uuid.uuid4().hex[:12]}:"
    store.use_store(None)
    gate.forget_all()
    yield
    used = store._store
    store.use_store(None)
    gate.forget_all()
    if isinstance(used, store.RedisStore):
        try:
            keys = list(used.client.scan_iter(match=used.prefix + "*", count=1000))
            if keys:
                used.client.delete(*keys)
        except store.STORE_ERRORS:
            pass


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def client_for(db):
    """Return a function making an API client that sends a real bearer access token for a user."""
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import AccessToken

    def make(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        return client

    return make


@pytest.fixture
def en_client(client):
    """A test client whose browser asks for English (pages default to Indonesian)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def logged_in(en_client, user):
    """`en_client` logged in as `user`."""
    en_client.force_login(user)
    return en_client


@pytest.fixture
def broken_mail_server(settings):
    """Send mail over SMTP to a port where nothing listens: every send fails with a refused connection."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }


@pytest.fixture
def staff_client(en_client, staff):
    """`en_client` logged in as an admin."""
    en_client.force_login(staff)
    return en_client


def _race(calls):
    """Run each callable in its own thread, all released at once; return their results in order.

    A refused domain change (DomainError) comes back as its code; any other
    exception fails the test. Each thread closes its database connection, so
    every caller races on a connection of its own.
    """
    import threading

    from django.db import connection

    from eventhub.base import DomainError

    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except DomainError as exc:
            results[index] = exc.code
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


@pytest.fixture
def race():
    """The race runner: `race([callable, …])` runs them in threads released together (see `_race`)."""
    return _race
