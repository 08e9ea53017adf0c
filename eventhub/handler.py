"""Django's WSGI handler, remembering which view each path without arguments resolves to.

Resolving a path walks the URL patterns in order, and /api/v1/ alone
includes a dozen apps' patterns, each tried and failed (an exception with
the list of what it tried) before the registrations' are reached: about 7 %
of a flash sale's sold-out refusal. A path that resolves with no arguments
(/api/v1/registrations/, the waiting-room pages, any static route) always
resolves to the same match under the same URLconf and language, so the
match is kept and handed to the next request for it. Paths with arguments
(an id) are resolved each time: there are as many as there are ids, and a
view receives its kwargs as a dict of its own. Bounded: when full it starts
afresh (a catch-all pattern matches any path).
"""

from django.core.handlers.wsgi import WSGIHandler as DjangoWSGIHandler
from django.urls import get_resolver
from django.utils.translation import get_language

RESOLVED_MAX = 2000


class WSGIHandler(DjangoWSGIHandler):
    def __init__(self):
        super().__init__()
        # (path, language) -> (the resolver that matched it, its match); dict reads and writes are atomic.
        self._resolved: dict = {}

    def resolve_request(self, request):
        if hasattr(request, "urlconf"):  # a middleware chose another URLconf for this request
            return super().resolve_request(request)
        resolver = get_resolver()  # a new one after ROOT_URLCONF changes (django.urls.clear_url_caches)
        key = (request.path_info, get_language())
        found = self._resolved.get(key)
        if found is not None and found[0] is resolver:
            request.resolver_match = found[1]
            return found[1]
        match = super().resolve_request(request)
        if not match.args and not match.kwargs:
            if len(self._resolved) >= RESOLVED_MAX:
                self._resolved.clear()
            self._resolved[key] = (resolver, match)
        return match
