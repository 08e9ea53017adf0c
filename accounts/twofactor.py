"""Two-factor login for staff: an authenticator app (TOTP) and recovery codes, through django-otp (issue 11).

Staff are admins and the managers of any event. With `STAFF_REQUIRE_2FA` on,
a staff account that has not proven a second factor in this session (the
session's verified django-otp device) or this token (the `otp` claim, set
when the API login carried a right code) is marked `otp_pending`: it keeps
its attendee powers but has none of its staff ones (`User.is_staff`,
`is_admin` and its event roles are off) until it enrols and verifies. Door
devices have no account and need none.

Codes are checked by django-otp, which also throttles a device after each
wrong code (1 s, 2 s, 4 s, … before the next try is even compared); the
login and the forms add the per-address and per-account rate limits.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from eventhub.base import DomainError

from . import hooks

OTP_CLAIM = "otp"
RECOVERY_CODES = 10
_TOTP_NAME = "authenticator"
_RECOVERY_NAME = "recovery"


class TwoFactorError(DomainError):
    pass


def is_staff_account(user) -> bool:
    """Return whether `user` is staff for two-factor purposes: an admin, or a manager of some event."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role == user.Role.ADMIN:
        return True
    return any(role["role"] == "manager" for role in hooks.event_roles(user))


def required(user) -> bool:
    """Return whether `user` must log in with a second factor (STAFF_REQUIRE_2FA and a staff account)."""
    return bool(settings.STAFF_REQUIRE_2FA) and is_staff_account(user)


def authenticator(user) -> TOTPDevice | None:
    """Return the user's confirmed authenticator app, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mark(user, *, verified: bool):
    """Set `user.otp_pending` for this request: staff powers wait for the second factor. Return `user`."""
    if user is not None and getattr(user, "is_authenticated", False) and not verified and required(user):
        user.otp_pending = True
    return user


def refuse_pending(request) -> None:
    """Raise 403 `two_factor_required` when the request's staff account has not proven its second factor yet."""
    from rest_framework.exceptions import PermissionDenied

    if getattr(request.user, "otp_pending", False):
        raise PermissionDenied(
            _("Staff must log in with their authenticator app code first (set one up under two-factor login)."),
            code="two_factor_required",
        )


def start_enrolment(*, user) -> TOTPDevice:
    """Start (or restart) enrolling an authenticator app; refuse while one is enrolled."""
    if enrolled(user):
        raise TwoFactorError(_("An authenticator app is already set up for this account."), code="already_enrolled")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_TOTP_NAME, confirmed=False)


WRONG_CODE = _("The code is not right, or was already used. Try the next one.")


def _wrong_code() -> TwoFactorError:
    return TwoFactorError(WRONG_CODE, code="otp_invalid", status=400)


@transaction.atomic
def confirm_enrolment(*, user, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app being enrolled with its first code; return it and new recovery codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise TwoFactorError(_("Start setting up an authenticator app first."), code="not_enrolling")
    if not device.verify_token(_digits(code)):
        raise _wrong_code()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device, _new_recovery_codes(user)


def enrolment_details(device: TOTPDevice) -> dict:
    """Return what the authenticator app needs: the secret (base32), its otpauth:// URL and that URL's QR code (SVG)."""
    import base64

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=4)
    return {
        "secret": base64.b32encode(device.bin_key).decode("ascii").rstrip("="),
        "otpauth_url": device.config_url,
        "qr_svg": image.to_string(encoding="unicode"),
    }


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=_RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return codes


def _digits(code: str) -> str:
    return "".join(code.split())


def verify(*, user, code: str):
    """Return the device that accepts `code` (the app's current code, or an unused recovery code), else None.

    A recovery code is spent by using it.
    """
    code = _digits(code or "")
    if not code:
        return None
    app = authenticator(user)
    if app is not None and code.isdigit() and app.verify_token(code):
        return app
    for recovery in StaticDevice.objects.filter(user=user, confirmed=True):
        if recovery.verify_token(code.lower()):
            return recovery
    return None


def reset(*, user) -> None:
    """Remove a user's authenticator app and recovery codes (an admin helping someone who lost both)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
