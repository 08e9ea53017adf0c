"""API authentication: simplejwt bearer tokens with stable error codes."""

import base64
import copy
import functools
import hmac
import json
import time
import uuid

from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken
from rest_framework_simplejwt.utils import aware_utcnow

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
        user = self._read_already(request, token) if not self.user_ttl else None
        if user is None:
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
        with connection.cursor() as cursor:
            cursor.execute(_user_query()[0], [user_id])
            row = cursor.fetchone()
        return _user_from_row(row)

    @staticmethod
    def _read_already(request, validated_token):
        """Return the account `read_with_account` read for this token's user earlier in `request`, or None."""
        known = getattr(request, "_account_read", None)
        if known is None or known[0] != validated_token.get(api_settings.USER_ID_CLAIM):
            return None
        return _user_from_row(known[1])

    def get_validated_token(self, raw_token: bytes):
        expired = False
        for token_class in api_settings.AUTH_TOKEN_CLASSES:
            try:
                return access_token(raw_token) if token_class is AccessToken else token_class(raw_token)
            except ExpiredTokenError:
                expired = True
            except TokenError:
                pass
        if expired:
            raise AuthenticationFailed(_("The access token has expired."), code="token_expired")
        raise AuthenticationFailed(_("The access token is not valid."), code="token_not_valid")


# The header PyJWT writes for simplejwt's HS256 tokens, base64url-encoded.
HS256_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
# Set once AccessToken has accepted a token in this process (so its library takes the key).
_checked = False


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hs256_claims(token: str, *, now: float) -> dict | None:
    """Return the claims of `token` when it is plainly a valid access token, None when unsure (AccessToken decides).

    Every API request with a bearer token checks it, and PyJWT's way costs
    about 35-75 us (a flash sale's refusal costs some 400). This accepts
    only what AccessToken would accept under settings it can follow (HS256
    with the signing key, no audience, issuer, leeway or other key): the
    header PyJWT writes, a good HMAC-SHA256 tag, an integer `exp` still ahead
    and `iat` not ahead, the access type, a string `jti`, and none of the
    claims it would have to judge further (`nbf`, `aud`, `iss`, `sub`).
    """
    if (api_settings.ALGORITHM != "HS256" or api_settings.VERIFYING_KEY or api_settings.AUDIENCE is not None
            or api_settings.ISSUER is not None or api_settings.LEEWAY or api_settings.JWK_URL):
        return None
    header, _, rest = token.partition(".")
    payload, _, signature = rest.partition(".")
    if header != HS256_HEADER or not payload or not signature or "." in signature:
        return None
    key = api_settings.SIGNING_KEY
    try:
        tag = hmac.digest(key.encode() if isinstance(key, str) else key, f"{header}.{payload}".encode("ascii"), "sha256")
        if not hmac.compare_digest(tag, _b64decode(signature)):
            return None
        claims = json.loads(_b64decode(payload))
    except (ValueError, TypeError):  # binascii.Error, UnicodeError and JSONDecodeError are ValueErrors
        return None
    if not isinstance(claims, dict):
        return None
    exp, iat = claims.get("exp"), claims.get("iat", 0)
    if (type(exp) is not int or exp <= now or type(iat) is not int or iat > now
            or claims.get(api_settings.TOKEN_TYPE_CLAIM) != "access"
            or not isinstance(claims.get(api_settings.JTI_CLAIM), str)
            or not claims.keys().isdisjoint(("nbf", "aud", "iss", "sub"))):
        return None
    return claims


def access_token(raw: str | bytes) -> AccessToken:
    """Return `AccessToken(raw)`: the same token, or the same TokenError; checked without PyJWT when plainly valid."""
    global _checked
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    claims = hs256_claims(text, now=time.time()) if _checked else None
    if claims is None:
        token = AccessToken(raw)
        _checked = True
        return token
    # What AccessToken's constructor sets once PyJWT and `verify` have accepted the token.
    token = AccessToken.__new__(AccessToken)
    token.token, token.current_time, token.payload = raw, aware_utcnow(), claims
    return token


def _user_from_row(row):
    """Return the account of a row `_user_query` read, refused as simplejwt refuses a missing or inactive one."""
    if row is None:
        raise AuthenticationFailed(_("User not found"), code="user_not_found")
    user = User.from_db(connection.alias, _user_query()[1], row)
    if not user.is_active:
        raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
    return user


def read_with_account(request, statement) -> list | None:
    """Run a statement in the round trip that reads the account of `request`'s bearer; return its rows, or None.

    For a view's hot path that needs a row of its own before it runs: the
    account read is kept, and authenticating `request` uses it instead of
    reading it again. Only after the token was validated earlier in the
    request (`remember_validated_token`), on PostgreSQL (two statements in
    one execute, as Django's client-side binding allows). `statement()`
    returns (sql, params), or None for nothing to read; it is called only
    then, so that a request that is not a known bearer's is not even parsed.
    None when nothing was read: the usual paths then read and refuse as
    they would.
    """
    known = getattr(request, "_validated_access_token", None)
    if known is None or connection.vendor != "postgresql" or api_settings.CHECK_REVOKE_TOKEN:
        return None
    claim = known[1].get(api_settings.USER_ID_CLAIM)
    try:
        user_id = uuid.UUID(str(claim))
    except ValueError:
        return None
    asked = statement()
    if asked is None:
        return None
    sql, params = asked
    with connection.cursor() as cursor:
        cursor.execute(f"{_user_query()[0]}; {sql}", [user_id, *params])
        account = cursor.fetchone()
        cursor.nextset()
        rows = cursor.fetchall()
    request._account_read = (claim, account)
    return rows


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
