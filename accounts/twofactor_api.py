"""API v1: two-factor login — status, enrolling an authenticator app, confirming it (issue 11)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from eventhub.openapi import errors

from . import tokens, twofactor
from .api import set_refresh_cookie
from .throttles import AuthIPThrottle


class TwoFactorStatusSerializer(serializers.Serializer):
    required = serializers.BooleanField(help_text="This account must use two-factor login (staff, STAFF_REQUIRE_2FA).")
    enrolled = serializers.BooleanField(help_text="An authenticator app is set up.")
    verified = serializers.BooleanField(help_text="This token (or session) proved the second factor.")


class EnrolmentSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The key to type into the app (base32), if the QR code cannot be scanned.")
    otpauth_url = serializers.CharField()
    qr_svg = serializers.CharField(help_text="The QR code of `otpauth_url`, an SVG document.")


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, help_text="The app's current 6-digit code.")


class ConfirmedSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Each logs in once instead of an app code. Shown only now."
    )
    access = serializers.CharField(help_text="A new pair that carries the second factor.")
    refresh = serializers.CharField()


def _verified(request) -> bool:
    token = request.auth
    if token is not None and hasattr(token, "get"):
        return bool(token.get(twofactor.OTP_CLAIM))
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


@extend_schema(tags=["auth"])
class TwoFactorView(APIView):
    @extend_schema(summary="Your two-factor login: required, set up, proven by this token",
                   responses={200: TwoFactorStatusSerializer})
    def get(self, request):
        user = request.user
        body = {"required": twofactor.required(user), "enrolled": twofactor.enrolled(user), "verified": _verified(request)}
        return Response(TwoFactorStatusSerializer(body).data)


@extend_schema(tags=["auth"])
class EnrolView(APIView):
    @extend_schema(
        summary="Start setting up an authenticator app",
        description="Answers the secret and its QR code; confirm with the app's first code. Starting again "
                    "replaces an unconfirmed one. 409 `already_enrolled`.",
        request=None,
        responses={201: EnrolmentSerializer, **errors(e409="already_enrolled")},
    )
    def post(self, request):
        device = twofactor.start_enrolment(user=request.user)
        return Response(EnrolmentSerializer(twofactor.enrolment_details(device)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["auth"])
class ConfirmView(APIView):
    throttle_classes = [AuthIPThrottle]

    @extend_schema(
        summary="Confirm the authenticator app with its first code",
        description="Answers the recovery codes (once) and a new token pair carrying the second factor.",
        request=CodeSerializer,
        responses={200: ConfirmedSerializer, **errors(e400="invalid, otp_invalid", e409="not_enrolling",
                                                      e429="throttled")},
    )
    def post(self, request):
        data = CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _, codes = twofactor.confirm_enrolment(user=request.user, code=data.validated_data["code"])
        pair = tokens.issue(user=request.user, second_factor=True)
        response = Response(ConfirmedSerializer({"recovery_codes": codes, **pair}).data)
        # The PWA refreshes through the cookie: from now on it must hand out tokens carrying the second factor.
        set_refresh_cookie(response, request, pair["refresh"])
        return response


urlpatterns = [
    path("auth/two-factor/", TwoFactorView.as_view(), name="api-two-factor"),
    path("auth/two-factor/enrol/", EnrolView.as_view(), name="api-two-factor-enrol"),
    path("auth/two-factor/confirm/", ConfirmView.as_view(), name="api-two-factor-confirm"),
]
