"""Rate limits on logging in and signing up: AUTH_THROTTLE_RATE per client address and per email.

The same counters guard the API (as DRF throttles) and the site's forms
(`refusal`), so switching from one to the other buys no extra attempts.
"""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _AuthThrottle(SimpleRateThrottle):
    """AUTH_THROTTLE_RATE (read per request, so tests and deployments can change it)."""

    def get_rate(self):
        return settings.AUTH_THROTTLE_RATE

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AuthIPThrottle(_AuthThrottle):
    scope = "auth_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthAccountThrottle(_AuthThrottle):
    scope = "auth_account"

    def get_cache_key(self, request, view):
        # A DRF request carries the parsed body in .data, a site form post in .POST.
        data = getattr(request, "data", None) or request.POST
        email = (data.get("email") or data.get("username")) if hasattr(data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()  # any text makes a safe cache key
        return self.cache_format % {"scope": self.scope, "ident": ident}


def refusal(request) -> int | None:
    """Count a login or signup attempt by a site form; return the seconds to wait when over the rate, else None."""
    waits = []
    for throttle in (AuthIPThrottle(), AuthAccountThrottle()):
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 1)
    return int(max(waits)) + 1 if waits else None
