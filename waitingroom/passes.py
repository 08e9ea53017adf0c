"""Admission passes: `WP1.<event id, user id, expiry>.<tag>`, HMAC-SHA256 under the site's secret.

A pass lets one user buy one event's tickets until it expires; nothing about
it is stored, so checking one costs no query and no Redis round trip.
"""

import base64
import binascii
import hmac
import uuid

from django.utils.crypto import salted_hmac

PREFIX = "WP1"
_SALT = "eventhub.waitingroom.pass"
_TAG_BYTES = 16


def b64encode(data: bytes) -> str:
    """Return `data` as unpadded base64url, the spelling of the parts of a pass or a visitor token."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(body: bytes) -> bytes:
    return salted_hmac(_SALT, PREFIX.encode() + b"." + body, algorithm="sha256").digest()[:_TAG_BYTES]


def split(token: str | None, *, prefix: str, body_bytes: int) -> tuple[bytes, bytes] | None:
    """Return the body and tag of a `<prefix>.<body>.<tag>` token, None when it is not one (tag unchecked)."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != prefix:
        return None
    try:
        body, tag = _unb64(parts[1]), _unb64(parts[2])
    except (binascii.Error, ValueError):
        return None
    # Only the canonical spelling: base64's spare bits must not make a second valid token.
    if len(body) != body_bytes or b64encode(body) != parts[1] or b64encode(tag) != parts[2]:
        return None
    return body, tag


def issue(*, event_id: uuid.UUID, user_id: uuid.UUID, expires: int) -> str:
    """Return a pass for `user_id` to buy at `event_id` until `expires` (seconds since the epoch)."""
    body = uuid.UUID(str(event_id)).bytes + uuid.UUID(str(user_id)).bytes + int(expires).to_bytes(8, "big")
    return f"{PREFIX}.{b64encode(body)}.{b64encode(_tag(body))}"


def is_valid(token: str | None, *, event_id, user_id, now: float) -> bool:
    """Return whether `token` is a genuine, unexpired pass of this user for this event."""
    found = split(token, prefix=PREFIX, body_bytes=40)
    if found is None or not hmac.compare_digest(found[1], _tag(found[0])):
        return False
    body = found[0]
    try:
        if body[:16] != uuid.UUID(str(event_id)).bytes or body[16:32] != uuid.UUID(str(user_id)).bytes:
            return False
    except ValueError:
        return False
    return int.from_bytes(body[32:], "big") > now
