"""The queue's hot path straight from the store, ahead of the rest of the middleware and DRF.

An on-sale has thousands of visitors polling every two seconds, and Django's
full stack (sessions, locale, CSRF, messages, two-factor, DRF's negotiation)
costs several times what a visit itself does. So this middleware, placed
first (after the health check), answers a join or poll that carries a bearer
token (the PWA) or the visitor token of the site's queue page
(waitingroom/visitors.py, same-origin only) and is answered 200 — the same
body, cookie and headers as the view in waitingroom/api.py — and hands
everything else to the stack unchanged: other paths and methods, sessions, a
bad or expired token (the view says why), cross-origin requests (CORS), a host ALLOWED_HOSTS refuses, plain HTTP under
SECURE_SSL_REDIRECT, and every refusal (`not_found`, `not_in_queue`, a store
that is down), and any request with a query string or a body.
"""

import json
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings

from accounts.authentication import access_token
from eventhub.middleware import api_headers

from . import api, services, visitors
from .store import STORE_ERRORS, get_store

PREFIX = "/api/v1/waiting-room/"
PATH = re.compile(r"/api/v1/waiting-room/(?P<slug>[-a-zA-Z0-9_]+)/(?P<join>join/)?")
ANSWERED = frozenset(api.STATES)
# Set in the WSGI environ by waitingroom.wsgi when it has looked at a request and left it to Django.
DECLINED = "eventhub.waiting_room.declined"

# Access tokens already verified in this process: token -> (user id, expiry). A visitor polls with
# the same token every few seconds; its signature cannot change, only its expiry come. Bounded:
# when full it starts afresh (the next visit of each checks its token again).
_verified: dict[str, tuple[uuid.UUID, int]] = {}
VERIFIED_MAX = 50_000


def bearer_user(token: str, *, now: float) -> uuid.UUID:
    """Return the user id a valid access token names; raise TokenError, KeyError or ValueError otherwise."""
    kept = _verified.get(token)
    if kept is not None and kept[1] > now:  # the same string verified before, not expired since
        return kept[0]
    claims = access_token(token).payload
    user_id = uuid.UUID(str(claims[api_settings.USER_ID_CLAIM]))
    if len(_verified) >= VERIFIED_MAX:
        _verified.clear()
    _verified[token] = (user_id, int(claims["exp"]))
    return user_id


def _pass_cookie(visit, *, token: str | None, now: float) -> str | None:
    """Return the Set-Cookie value of an admitted visitor's pass cookie, as Django's response would write it."""
    if not token:
        return None
    response = HttpResponse()
    api.set_pass_cookie(response, visit, token=token, now=now)
    return next(iter(response.cookies.values())).OutputString()


class QueueMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PREFIX) and DECLINED not in request.META:
            found = self.answer(request)
            if found is not None:
                headers, body = found
                response = HttpResponse(body)
                for name, value in headers:
                    if name == "Set-Cookie":
                        response.cookies.load(value)  # the same morsel, written out again the same way
                    else:
                        response.headers[name] = value
                return response
        return self.get_response(request)

    def answer(self, request) -> tuple[list[tuple[str, str]], bytes] | None:
        """Return the headers and body of the 200 answer to a join or poll by bearer token, else None (the stack answers).

        The headers are plain pairs, Set-Cookie included, so that the WSGI path
        (waitingroom.wsgi) writes them out without building a response.
        """
        match = PATH.fullmatch(request.path_info)
        if match is None or request.method != ("POST" if match["join"] else "GET"):
            return None
        header = request.META.get("HTTP_AUTHORIZATION", "")
        visitor_token = request.META.get(visitors.META)
        if visitor_token is None and (not header.startswith("Bearer ") or "HTTP_ORIGIN" in request.META):
            return None
        if request.META.get("QUERY_STRING") or request.META.get("CONTENT_LENGTH", "0") not in ("", "0"):
            return None  # the sanitiser (eventhub.sanitise) judges any input; a visit sends none
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None
        slug, now = match["slug"], time.time()
        visitor = None
        try:
            host = request.get_host()
            if visitor_token is None:
                user_id = bearer_user(header[7:].strip(), now=now)
            elif header or request.META.get("HTTP_ORIGIN", f"{request.scheme}://{host}") != f"{request.scheme}://{host}":
                return None  # the site's page is same-origin (browsers send Origin on its POST) and sends no bearer
            else:
                visitor = visitors.authenticate(visitor_token, slug=slug, now=now)
                if visitor is None:
                    return None
                user_id = visitor.user_id
        except (DisallowedHost, TokenError, KeyError, ValueError, *STORE_ERRORS):
            return None
        try:
            visit = get_store().visit(
                slug, str(user_id), now=now, join=bool(match["join"]),
                requeue_after=services.pass_seconds() if match["join"] else None,
            )
        except STORE_ERRORS:
            return None
        if visit.state not in ANSWERED:
            return None
        answer = api.answer(visit, slug=slug, user_id=user_id, now=now)
        body = json.dumps(answer, separators=(",", ":"), ensure_ascii=False).encode()  # as DRF renders it
        headers = [("Content-Type", "application/json"), *api_headers(request, len(body))]
        cookie = _pass_cookie(visit, token=answer["pass"], now=now)
        if cookie is not None:
            headers.append(("Set-Cookie", cookie))
        if visitor is not None and visitor.renewed:
            headers.append((visitors.HEADER, visitor.renewed))
        return headers, body
