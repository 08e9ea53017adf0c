"""Load in a new gunicorn worker what its first requests would otherwise load while their buyers wait.

gunicorn imports the WSGI application in each worker, but Django loads the
URLconf (and with it every view module), the translation catalogues, DRF's
renderers and parsers, the JWT backend and the database and Redis
connections only when a request first needs them: on a busy 2-core machine
over a second of CPU, paid by the first requests a worker accepts, with every
connection it accepted meanwhile queued behind them. In the flash sale
benchmark that made a cold worker's first buyers wait up to 4 s (the p99),
and a worker recycled mid-sale (`max_requests`) pays it again.
gunicorn.conf.py calls `warm_up` in `post_worker_init`, before the worker
accepts its first connection.
"""

import logging

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Import every view, load each language's catalogue and URLs, and open a database and a Redis connection."""
    from importlib import import_module

    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation
    from rest_framework.settings import api_settings

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - built per language on first use
    for name in ("DEFAULT_RENDERER_CLASSES", "DEFAULT_PARSER_CLASSES", "DEFAULT_AUTHENTICATION_CLASSES",
                 "DEFAULT_PERMISSION_CLASSES", "DEFAULT_THROTTLE_CLASSES", "DEFAULT_CONTENT_NEGOTIATION_CLASS"):
        getattr(api_settings, name)
    import_module("rest_framework_simplejwt.state")  # the JWT backend (PyJWT, cryptography)
    _connect()


def _connect() -> None:
    """Open the database pool and the Redis client now; a worker still starts when either does not answer."""
    from django.db import DatabaseError, connection

    from eventhub import redis

    try:
        connection.ensure_connection()
    except DatabaseError:
        logger.warning("Warm-up: the database did not answer", exc_info=True)
    finally:
        connection.close()  # back to the pool: request threads take it from there
    client = redis.client()
    if client is not None:
        try:
            client.ping()
        except Exception:  # noqa: BLE001 - the sold-out board and the waiting room handle Redis failing
            logger.warning("Warm-up: Redis did not answer", exc_info=True)
