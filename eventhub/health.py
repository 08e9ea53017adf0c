"""The health endpoint, `/healthz`: 200 when the database answers, else 503.

Container healthchecks and load balancers call it by the container's address
over plain HTTP, with a Host that ALLOWED_HOSTS rightly refuses and on a scheme
SECURE_SSL_REDIRECT would redirect. So a middleware placed first answers it,
before host validation and the HTTPS redirect; it reveals nothing but whether
the database is reachable, needs no login and costs one `SELECT 1`.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

PATH = "/healthz"

logger = logging.getLogger(__name__)


def database_reachable() -> bool:
    """Return whether the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database is unreachable", exc_info=True)
        return False
    return True


def healthz(request):
    """Answer 200 `{"status": "ok"}` when the database is reachable, else 503."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if database_reachable():
        response = JsonResponse({"status": "ok", "database": "ok"})
    else:
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Serve `/healthz` ahead of every other middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
