"""API authentication: simplejwt bearer tokens with stable error codes."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings


class JWTAuthentication(authentication.JWTAuthentication):
    """Bearer access tokens; an expired one is refused as `token_expired`, any other bad one as `token_not_valid`.

    The client's cue: `token_expired` means "refresh and retry", anything else "log in again".
    """

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
