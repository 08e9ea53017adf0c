"""JWT pairs for the API: issue, rotate (the old refresh token is blacklisted), revoke one or all of a user's.

Rotation locks the refresh token's outstanding row, so two concurrent
refreshes with one token yield one new pair and one refusal.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken


def _refused() -> AuthenticationFailed:
    return AuthenticationFailed(_("The refresh token is not valid."), code="token_not_valid")


def issue(*, user, second_factor: bool = False) -> dict:
    """Return a new `{access, refresh}` pair for `user`; `second_factor`: the login proved one (the `otp` claim)."""
    refresh = RefreshToken.for_user(user)
    if second_factor:
        refresh["otp"] = True
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _parse(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)
    except TokenError:
        raise _refused() from None


def _revoke(token: RefreshToken) -> bool:
    """Blacklist `token`; return False when it already was (a replay)."""
    with transaction.atomic():
        outstanding = (
            OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=token[api_settings.JTI_CLAIM]).first()
        )
        if outstanding is None:
            token.blacklist()
            return True
        _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
        return created


def rotate(*, raw: str) -> dict:
    """Exchange a refresh token for a new pair, blacklisting it; refuse a used, expired or forged one."""
    token = _parse(raw)
    user = get_user_model().objects.filter(pk=token.get(api_settings.USER_ID_CLAIM)).first()
    if user is None or not user.is_active:
        raise AuthenticationFailed(_("No active account found for the given token."), code="no_active_account")
    if not _revoke(token):
        raise _refused()
    return issue(user=user, second_factor=bool(token.get("otp")))


def revoke(*, raw: str) -> None:
    """Blacklist a refresh token (logout); refuse an expired, forged or already revoked one."""
    if not _revoke(_parse(raw)):
        raise _refused()


def revoke_all(*, user) -> int:
    """Blacklist every live refresh token of `user` (its password changed); return how many.

    Access tokens already issued run out on their own (ACCESS_TOKEN_LIFETIME).
    """
    live = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
    revoked = BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live],
                                                   ignore_conflicts=True)
    return len(revoked)


def on_password_changed(sender, user, **kwargs) -> None:
    """Receive accounts.signals.password_changed: revoke the account's refresh tokens."""
    revoke_all(user=user)
