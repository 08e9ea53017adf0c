"""Visitor tokens: `WV1.<user id, issued, expires, limit>.<tag>`, the site queue page's credential for one event.

The site's queue page is rendered for a logged-in user; its script joins and
polls the API every few seconds. With the session cookie alone every poll
would cost PostgreSQL the session and the user lookup, so the page carries a
visitor token instead, sent as the `X-Waiting-Room-Visitor` header: an
HMAC-SHA256 tag under the site's secret over the user's id and the event's
slug, so it is good for that user in that event's queue only, checked like a
bearer token without a query.

A token lives `LIFETIME` seconds; every answer to a request that carried one
with less than half its life left brings a fresh one in the same header, so a
long wait never breaks, but never past `limit`, the session's own expiry when
the page was rendered. Logging out of the site, and changing the password,
records the moment in the store (`logged_out_at`): every token of that user
issued before it is refused from then on, renewal included. A refused token is no error by itself: the
request goes on to the session, which may still vouch for the visitor (and
then brings a fresh token).
"""

import dataclasses
import hmac
import uuid

from django.utils.crypto import salted_hmac

from .passes import b64encode, split
from .store import get_store

PREFIX = "WV1"
HEADER = "X-Waiting-Room-Visitor"
META = "HTTP_X_WAITING_ROOM_VISITOR"
LIFETIME = 600
_SALT = "eventhub.waitingroom.visitor"
_TAG_BYTES = 16
_BODY_BYTES = 40


@dataclasses.dataclass(frozen=True)
class Visitor:
    """A checked token: whose it is, when it was issued (ms), and the fresh token to answer with, if due."""

    user_id: uuid.UUID
    issued_ms: int
    renewed: str | None


def _tag(body: bytes, slug: str) -> bytes:
    return salted_hmac(_SALT, PREFIX.encode() + b"." + body + b"." + slug.encode(), algorithm="sha256").digest()[
        :_TAG_BYTES
    ]


def issue(*, user_id, slug: str, now: float, limit: float) -> str:
    """Return a token for `user_id` in the queue of the event at `slug`, valid `LIFETIME` seconds but not past `limit`."""
    expires = int(min(now + LIFETIME, limit))
    body = (
        uuid.UUID(str(user_id)).bytes + int(now * 1000).to_bytes(8, "big") + expires.to_bytes(8, "big")
        + int(limit).to_bytes(8, "big")
    )
    return f"{PREFIX}.{b64encode(body)}.{b64encode(_tag(body, slug))}"


def issue_for_session(request, *, slug: str, now: float) -> str:
    """Return a token for the session's user in the queue at `slug`, never outliving the session."""
    return issue(user_id=request.user.pk, slug=slug, now=now, limit=now + request.session.get_expiry_age())


def check(token: str | None, *, slug: str, now: float) -> Visitor | None:
    """Return the visitor of a genuine, unexpired token for the queue at `slug`, else None (no store involved)."""
    found = split(token, prefix=PREFIX, body_bytes=_BODY_BYTES)
    if found is None or not hmac.compare_digest(found[1], _tag(found[0], slug)):
        return None
    body = found[0]
    user_id = uuid.UUID(bytes=body[:16])
    issued_ms = int.from_bytes(body[16:24], "big")
    expires = int.from_bytes(body[24:32], "big")
    limit = int.from_bytes(body[32:40], "big")
    if expires <= now:
        return None
    renewed = None
    if expires - now < LIFETIME / 2 and limit > expires:
        renewed = issue(user_id=user_id, slug=slug, now=now, limit=limit)
    return Visitor(user_id=user_id, issued_ms=issued_ms, renewed=renewed)


def authenticate(token: str | None, *, slug: str, now: float) -> Visitor | None:
    """Return the visitor of a valid token not revoked by a logout since it was issued (may raise STORE_ERRORS)."""
    visitor = check(token, slug=slug, now=now)
    if visitor is None:
        return None
    logged_out = get_store().logged_out_at(str(visitor.user_id))
    if logged_out is not None and visitor.issued_ms <= logged_out * 1000:
        return None
    return visitor


def record_logout(*, user_id, now: float) -> None:
    """Refuse every token of `user_id` issued until `now` (kept as long as such a token can live)."""
    get_store().set_logged_out(str(user_id), now, ttl=LIFETIME + 60)
