"""Site and admin sessions: a staff account's powers wait for its second factor (accounts/twofactor.py)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import twofactor


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: mark the session's staff user `otp_pending` until it verified a device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and settings.STAFF_REQUIRE_2FA:
            request.user = SimpleLazyObject(lambda: twofactor.mark(user, verified=_verified(user)))
        return self.get_response(request)


def _verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False
