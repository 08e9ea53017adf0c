"""Paired scanner devices: pairing codes, device credentials, revocation (issue 11).

A manager or admin asks for a pairing code for an event and names the device
("North gate 2"). The code is 8 letters and digits (40 random bits), valid for
`PAIRING_MINUTES` and one use: the phone trades it for a device credential
(`EHD1.<43 characters>`, 256 random bits) that admits it to that event's scan,
manifest and sync endpoints only. Both are stored as SHA-256 hashes.

A request sends the credential as `Authorization: Device <credential>`, or
the PWA's browser sends it as the httpOnly cookie `COOKIE` that pairing
sets (path /api/v1/checkins/, SameSite=Strict: like the refresh token, the
page never sees it, and no other site can make the browser send it). A
revoked device is refused from its next request (401 `device_revoked`); the
offline scans it still uploads are kept, not admitted, with the verdict
`device_revoked`, for staff to review.
"""

import datetime
import hashlib
import secrets
import urllib.parse

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from eventhub.base import DomainError

from .models import PairingCode, ScannerDevice

PAIRING_MINUTES = 10
CREDENTIAL_PREFIX = "EHD1."
KEYWORD = "Device"
COOKIE = "eh_device"
COOKIE_PATH = "/api/v1/checkins/"
COOKIE_MAX_AGE = 400 * 24 * 3600  # as long as browsers keep a cookie: until revoked
# No 0/O, 1/I/L: the code is read off a screen and typed on a phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 8


class DeviceError(DomainError):
    pass


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalise_code(code: str) -> str:
    """Return a typed pairing code as issued: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def pair_url(code: str) -> str:
    """Return the URL a pairing QR code carries: the PWA's pairing page with the code."""
    return f"{settings.SITE_URL}/app/scanner/pair?{urllib.parse.urlencode({'code': code})}"


def start_pairing(*, event, name: str, by, now: datetime.datetime | None = None) -> tuple[PairingCode, str]:
    """Issue a pairing code for a scanner named `name` at `event`; return it and the code (shown once)."""
    now = now or timezone.now()
    code = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
    pairing = PairingCode.objects.create(
        event=event, name=name.strip(), code_sha256=_sha256(code), created_by=by,
        expires_at=now + datetime.timedelta(minutes=PAIRING_MINUTES),
    )
    return pairing, code


def _invalid_code() -> DeviceError:
    return DeviceError(
        _("This pairing code is not valid: it is wrong, expired or already used. Ask for a new one."),
        code="invalid_pairing_code", status=400,
    )


def pair(*, code: str, now: datetime.datetime | None = None) -> tuple[ScannerDevice, str]:
    """Trade a live pairing code for a new device and its credential (shown once); each code pairs one device."""
    now = now or timezone.now()
    digest = _sha256(normalise_code(code))
    credential = CREDENTIAL_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # One conditional UPDATE claims the code: of two phones using it at once, one wins.
        claimed = PairingCode.objects.filter(code_sha256=digest, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        if not claimed:
            raise _invalid_code()
        pairing = PairingCode.objects.select_related("event").get(code_sha256=digest)
        device = ScannerDevice.objects.create(
            event=pairing.event, name=pairing.name, credential_sha256=_sha256(credential), paired_by=pairing.created_by
        )
        pairing.device = device
        pairing.save(update_fields=["device"])
    return device, credential


@transaction.atomic
def revoke(*, device: ScannerDevice, by) -> ScannerDevice:
    """Revoke `device` for good (again: unchanged); return it as stored."""
    ScannerDevice.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    return ScannerDevice.objects.get(pk=device.pk)


def count_use(*, device: ScannerDevice, scans: int = 0, synced: bool = False) -> None:
    """Note that `device` was used just now, made `scans` more scans, and synced if `synced`."""
    now = timezone.now()
    changes = {"last_seen_at": now}
    if scans:
        changes["scans"] = F("scans") + scans
    if synced:
        changes["last_sync_at"] = now
    ScannerDevice.objects.filter(pk=device.pk).update(**changes)


class DevicePrincipal:
    """`request.user` for a paired device: door access to its one event, while it is not revoked."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    is_admin = False
    pk = None
    id = None

    def __init__(self, device: ScannerDevice):
        self.device = device
        from events.models import EventMember

        # events.permissions reads team roles from here: a device works the door of its event only.
        self._event_roles = {} if device.is_revoked else {device.event_id: EventMember.Role.DOOR}
        self.full_name = device.name

    def __str__(self):
        return self.device.name


class DeviceRevoked(exceptions.AuthenticationFailed):
    default_detail = _("This scanner was revoked. Ask the event's staff to pair it again.")
    default_code = "device_revoked"


def device_of(request) -> ScannerDevice | None:
    """Return the paired device a request authenticated as, else None."""
    user = getattr(request, "user", None)
    return user.device if isinstance(user, DevicePrincipal) else None


class DeviceAuthentication(authentication.BaseAuthentication):
    """`Authorization: Device <credential>`: one indexed lookup per request, so revocation acts at once."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if header and header[0].decode(errors="replace") == KEYWORD:
            if len(header) != 2:
                raise exceptions.AuthenticationFailed(_("The device credential is not valid."), code="device_not_valid")
            credential = header[1].decode(errors="replace")
        elif not header and request.COOKIES.get(COOKIE):
            credential = request.COOKIES[COOKIE]
        else:
            return None
        device = ScannerDevice.objects.filter(credential_sha256=_sha256(credential)).first()
        if device is None:
            raise exceptions.AuthenticationFailed(_("The device credential is not valid."), code="device_not_valid")
        return DevicePrincipal(device), device

    def authenticate_header(self, request):
        return KEYWORD


class DeviceScheme(OpenApiAuthenticationExtension):
    target_class = "checkins.devices.DeviceAuthentication"
    name = "deviceAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "A paired scanner: `Device <credential>` (the scan, manifest and sync endpoints only).",
        }
