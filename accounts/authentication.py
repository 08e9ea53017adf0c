"""API authentication: simplejwt bearer tokens with stable error codes."""

import copy
import functools
import time
import uuid

from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings

from . import twofactor
from .models import User


class JWTAuthentication(authentication.JWTAuthentication):
    """Bearer access tokens; an expired one is refused as `token_expired`, any other bad one as `token_not_valid`.

    The client's cue: `token_expired` means "refresh and retry", anything else "log in again".

    `JWTAuthentication(user_ttl=10)` looks a token's user up at most once every
    10 seconds per process: for the door's hot path (a scan every few
    milliseconds per gate) it saves a query per scan, at the price that
    deactivating a staff account or removing its admin role takes up to that
    long to reach a gate.
    """

    _recent_users: dict = {}  # user id -> (expires, user), shared by the process
    _max_recent = 1024

    def __init__(self, *args, user_ttl: float = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_ttl = user_ttl

    def authenticate(self, request):
        header = self.get_header(request)
        raw = self.get_raw_token(header) if header is not None else None
        if raw is None:
            return None
        token = validated_token(request, raw)
        if token is None:
            token = self.get_validated_token(raw)
        user = self.get_user(token)
        # A staff account whose token carries no second factor has none of its staff powers (STAFF_REQUIRE_2FA).
        return twofactor.mark(user, verified=bool(token.get(twofactor.OTP_CLAIM))), token

    def get_user(self, validated_token):
        if not self.user_ttl:
            return self._fetch_user(validated_token)
        key = validated_token.get(api_settings.USER_ID_CLAIM)
        now = time.monotonic()
        entry = self._recent_users.get(key)
        if entry is not None and entry[0] > now:
            # A copy: what one request marks on its user (otp_pending, cached roles) is not another's.
            return copy.copy(entry[1])
        user = self._fetch_user(validated_token)
        if len(self._recent_users) >= self._max_recent:
            self._recent_users.clear()
        self._recent_users[key] = (now + self.user_ttl, user)
        return copy.copy(user)

    def _fetch_user(self, validated_token):
        """simplejwt's lookup, as one statement written once per process (every API request makes it)."""
        if connection.vendor != "postgresql" or api_settings.CHECK_REVOKE_TOKEN:
            return super().get_user(validated_token)
        try:
            user_id = uuid.UUID(str(validated_token[api_settings.USER_ID_CLAIM]))
        except (KeyError, ValueError):
            raise AuthenticationFailed(_("The access token is not valid."), code="token_not_valid") from None
        sql, names = _user_query()
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        user = User.from_db(connection.alias, names, row)
        if not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user

    def get_validated_token(self, raw_token: bytes):
        expired = False
        for token_class in api_settings.AUTH_TOKEN_CLASSES:
            try:
                return token_class(raw_token)
            except ExpiredTokenError:
                expired = True
            except TokenError:
                pass
        if expired:
            raise AuthenticationFailed(_("The access token has expired."), code="token_expired")
        raise AuthenticationFailed(_("The access token is not valid."), code="token_not_valid")


def remember_validated_token(request, raw: bytes, token) -> None:
    """Keep the token `raw` validated to for the rest of `request`: its signature is checked once a request."""
    request._validated_access_token = (raw, token)


def validated_token(request, raw: bytes):
    """Return the token `raw` was validated to earlier in `request`, or None."""
    known = getattr(request, "_validated_access_token", None)
    return known[1] if known is not None and known[0] == raw else None


@functools.cache
def _user_query() -> tuple[str, list[str]]:
    fields = User._meta.concrete_fields
    columns = ", ".join(field.column for field in fields)
    return f"SELECT {columns} FROM {User._meta.db_table} WHERE id = %s", [field.attname for field in fields]


class JWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTAuthentication"


class BearerChallenge(authentication.JWTAuthentication):
    """Authenticate nobody, but answer 401 with a Bearer challenge (not 403) when credentials are wrong.

    For the endpoints that take credentials in the body (login, refresh): a
    stale Authorization header a client attaches out of habit is ignored.
    """

    def authenticate(self, request):
        return None


class BearerChallengeScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.BearerChallenge"
