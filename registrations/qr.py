"""Signed QR ticket codes (DESIGN §2).

A code reads `EH1.<registration id>.<tag>`: the registration's UUID and an
HMAC-SHA256 tag truncated to 128 bits, both base64url without padding. It is
signed with the newest key of `QR_SIGNING_KEYS` and verified against each key
in turn, so keys rotate without reissuing tickets.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import io
import uuid

import qrcode
import qrcode.image.svg
from django.conf import settings

PREFIX = "EH1"
_TAG_BYTES = 16


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=8)
def _encoded_keys(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(key.encode("utf-8") for key in keys)


def _keys() -> tuple[bytes, ...]:
    return _encoded_keys(tuple(settings.QR_SIGNING_KEYS))


def _tag(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()[:_TAG_BYTES]


def sign(registration_id: uuid.UUID) -> str:
    """Return the signed ticket code for a registration id, using the newest key."""
    message = f"{PREFIX}.{_b64encode(registration_id.bytes)}"
    return f"{message}.{_b64encode(_tag(_keys()[0], message.encode('ascii')))}"


def verify(code: str) -> uuid.UUID | None:
    """Return the registration id a code was signed for, or None if it is not a valid code."""
    if not isinstance(code, str) or len(code) > 80:
        return None
    parts = code.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    try:
        raw_id = _b64decode(parts[1])
        tag = _b64decode(parts[2])
    except (binascii.Error, ValueError):
        return None
    if len(raw_id) != 16 or len(tag) != _TAG_BYTES:
        return None
    # Reject non-canonical encodings so one ticket has exactly one code.
    if _b64encode(raw_id) != parts[1] or _b64encode(tag) != parts[2]:
        return None
    message = f"{PREFIX}.{parts[1]}".encode("ascii")
    if any(hmac.compare_digest(_tag(key, message), tag) for key in _keys()):
        return uuid.UUID(bytes=raw_id)
    return None


def code_sha256(code: str) -> str:
    """Return the hex SHA-256 of a code: what offline scanners hold instead of the code."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def _make(code: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(code)
    qr.make(fit=True)
    return qr


def render_png(code: str, *, box_size: int = 10) -> bytes:
    """Return the QR image of a code as PNG bytes."""
    qr = _make(code)
    qr.box_size = box_size
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def matrix(code: str) -> list[list[bool]]:
    """Return the QR modules of a code, quiet zone included: rows of True for dark."""
    return _make(code).get_matrix()


def render_svg(code: str) -> str:
    """Return the QR image of a code as an SVG document."""
    image = _make(code).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
