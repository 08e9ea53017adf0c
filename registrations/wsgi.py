"""A flash sale's sold-out refusal at the WSGI level, ahead of Django's handler (eventhub/wsgi.py wraps it).

A flash sale is mostly refusals (a thousand buyers for a hundred seats), and
once the sold-out board (events/soldout.py) knows a ticket type is gone, a
refusal is a token check and one Redis call; Django's stack around it (the
request_started and request_finished signals, sixteen middleware, URL
resolution, DRF's request, negotiation, exception handler and response)
cost about three times that. So this answers POST /api/v1/registrations/
when the board refuses its buyer — the same 409 `sold_out`, in the language
the stack would choose, with the same headers — and hands everything else to
Django unchanged: other paths and methods, anything with a query string, a
cookie (a session, a language chosen on the site) or an Origin (CORS), a body
other than a small JSON object naming a ticket type, an Accept the stack
would negotiate, a host ALLOWED_HOSTS refuses, plain HTTP under
SECURE_SSL_REDIRECT, a token that is not plainly valid, and every buyer the
board does not refuse. Those keep the ordinary path, `_known_sold_out`
included; a buyer the board did not refuse here is not asked about again
there (`NOT_REFUSED`).
"""

import io
import json
import re

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.handlers.wsgi import WSGIRequest
from django.utils import translation
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.json import strict_constant
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts.authentication import access_token
from events import soldout
from eventhub.middleware import api_headers
from eventhub.sanitise import UnsafeInput, check_json_body

from . import services

PATH = "/api/v1/registrations/"
# No buyer's {"ticket": "<uuid>"} is longer; anything longer is the stack's to judge.
MAX_BODY = 256
# Set in the WSGI environ when this path answered: such a request leaves no reference cycles
# (gunicorn.conf.py's post_request does not count it towards a full collection).
ANSWERED = "eventhub.sold_out.answered"
# Set when the board did not refuse the buyer here: (raw token, ticket id); `_known_sold_out` then does not ask again.
NOT_REFUSED = "eventhub.sold_out.not_refused"


def _allowed_methods() -> str:
    """Return the Allow header DRF gives the list's answers."""
    from .api import RegistrationListView

    view = RegistrationListView()
    view.setup(None)  # as as_view() does: HEAD answered as GET
    return ", ".join(view.allowed_methods)


class SoldOutApplication:
    def __init__(self, application):
        self.application = application
        self.renderer = JSONRenderer()
        self.allow = _allowed_methods()

    def __call__(self, environ, start_response):
        found = None
        if environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "POST":
            try:
                found = self.refusal(environ)
            except Exception:  # noqa: BLE001 - Django's handler answers it (and logs it) as it would without this path
                found = None
        if found is None:
            return self.application(environ, start_response)
        environ[ANSWERED] = True
        start_response("409 Conflict", found[0])
        return [found[1]]

    def refusal(self, environ) -> tuple[list[tuple[str, str]], bytes] | None:
        """Return the headers and body of the stack's 409 `sold_out` to this request, or None (the stack answers)."""
        if (environ.get("QUERY_STRING") or environ.get("HTTP_COOKIE") or "HTTP_ORIGIN" in environ
                or environ.get("CONTENT_TYPE") != "application/json"
                or environ.get("HTTP_ACCEPT", "*/*") not in ("*/*", "application/json")):
            return None
        if (jwt_settings.CHECK_REVOKE_TOKEN or settings.PREPEND_WWW or settings.DISALLOWED_USER_AGENTS
                or not re.match(settings.CORS_URLS_REGEX, PATH) or is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]):
            return None
        parts = environ.get(jwt_settings.AUTH_HEADER_NAME, "").split()
        if len(parts) != 2 or parts[0] not in jwt_settings.AUTH_HEADER_TYPES:
            return None
        body = self._body(environ)
        if body is None:
            return None
        try:
            data = json.loads(body, parse_constant=strict_constant)  # as DRF's JSONParser
        except ValueError:
            return None
        value = data.get("ticket") if isinstance(data, dict) else None
        if not isinstance(value, str):
            return None
        from .api import _named_ticket_id

        ticket_id = _named_ticket_id(data)
        request = WSGIRequest(environ)
        request.get_host()  # DisallowedHost: the stack answers 400
        if ticket_id is None or (settings.SECURE_SSL_REDIRECT and not request.is_secure()):
            return None
        raw = parts[1].encode("latin-1")
        token = access_token(raw)  # TokenError: the stack says what is wrong
        user_id = token[jwt_settings.USER_ID_CLAIM]
        if not soldout.refuses(ticket_id, user_id):
            environ[NOT_REFUSED] = (raw, ticket_id)
            return None
        with translation.override(translation.get_language_from_request(request)):
            refused = services.sold_out()
            language = translation.get_language()
            body = self.renderer.render({**refused.extra, "code": refused.code, "detail": str(refused.message)},
                                        "application/json")
        headers = [("Content-Type", "application/json"), *api_headers(request, len(body)), ("Allow", self.allow),
                   ("Vary", "Accept-Language, origin"), ("Content-Language", language)]
        return headers, body

    @staticmethod
    def _body(environ) -> bytes | None:
        """Return the request's body when it is short ASCII the sanitiser passes; else None.

        What was read is put back for the stack, should it answer after all.
        """
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        if len(body) != length or not body.isascii():
            return None
        try:
            check_json_body(body, encoding=None)  # as InputMiddleware: nothing it would refuse
        except UnsafeInput:
            return None
        return body
