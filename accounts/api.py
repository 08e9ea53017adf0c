"""API v1: JWT authentication, own profile, and user management for admins (DESIGN §4).

The refresh token is also kept in an httpOnly cookie (`REFRESH_COOKIE`,
path /api/v1/auth/) for the PWA: `auth/refresh/` and `auth/logout/` read it
when the body carries no `refresh`.
"""

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from eventhub.openapi import errors
from eventhub.queries import narrow, query_filters, search

from audit import services as audit

from . import hooks, services, tokens, twofactor
from .authentication import BearerChallenge
from .models import User
from .permissions import IsAdmin
from .throttles import AuthAccountThrottle, AuthIPThrottle

REFRESH_COOKIE = "eh_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth/"


# --- Serializers -------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "phone", "role", "is_active", "created_at"]
        read_only_fields = fields


def _phone(**kwargs) -> serializers.CharField:
    """A phone number field, checked as every surface checks it (accounts.services.phone_validator)."""
    return serializers.CharField(
        max_length=32, required=False, allow_blank=True, validators=[services.phone_validator], **kwargs
    )


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=150)
    phone = _phone(default="")

    def validate_email(self, value: str) -> str:
        return services.check_email_free(value)

    def validate(self, attrs):
        candidate = User(email=attrs["email"], full_name=attrs["full_name"], phone=attrs.get("phone", ""))
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return attrs


class LoginSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    code = serializers.CharField(
        required=False, allow_blank=True, max_length=32,
        help_text="The second step, for accounts with two-factor login: the authenticator app's code or a recovery code.",
    )


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LoginResponseSerializer(TokenPairSerializer):
    user = UserSerializer()


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(
        required=False, allow_blank=True, help_text="The refresh token; omit it to use the httpOnly refresh cookie instead."
    )


class EventRoleSerializer(serializers.Serializer):
    event = serializers.UUIDField()
    slug = serializers.CharField()
    title = serializers.CharField()
    event_date = serializers.DateTimeField(help_text="When the event starts (the scanner's event picker shows it).")
    timezone = serializers.CharField(help_text="The event's time zone.")
    role = serializers.CharField(help_text="`manager` or `door`.")


class MeSerializer(serializers.ModelSerializer):
    phone = _phone()
    event_roles = serializers.SerializerMethodField(help_text="Your roles on event teams (besides `role`).")

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "phone", "role", "is_active", "created_at", "event_roles"]
        # Only the profile is the user's to change: role and activation are for admins (users/{id}/).
        read_only_fields = ["id", "email", "role", "is_active", "created_at", "event_roles"]

    @extend_schema_field(EventRoleSerializer(many=True))
    def get_event_roles(self, user) -> list[dict]:
        return EventRoleSerializer(hooks.event_roles(user), many=True).data


class AdminUserSerializer(serializers.ModelSerializer):
    phone = _phone()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "phone", "role", "is_active", "created_at"]
        read_only_fields = ["id", "email", "created_at"]

    def validate(self, attrs):
        request = self.context["request"]
        if self.instance is not None and self.instance.pk == request.user.pk:
            if attrs.get("role", self.instance.role) != User.Role.ADMIN or attrs.get("is_active") is False:
                raise serializers.ValidationError(
                    _("You cannot remove your own admin role or deactivate yourself."), code="own_account"
                )
        return attrs


class UserFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, help_text="Part of the email address or the full name.")
    role = serializers.ChoiceField(choices=User.Role.choices, required=False)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)


# --- Cookie ------------------------------------------------------------------


def set_refresh_cookie(response: Response, request, refresh: str) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        refresh,
        max_age=int(settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"].total_seconds()),
        path=REFRESH_COOKIE_PATH,
        secure=not (settings.DEBUG and not request.is_secure()),
        httponly=True,
        samesite="Strict",
    )


def _clear_refresh_cookie(response: Response) -> None:
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, samesite="Strict")


def _refresh_from(request) -> str | None:
    serializer = RefreshSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data.get("refresh") or request.COOKIES.get(REFRESH_COOKIE) or None


# --- Views -------------------------------------------------------------------

# JSON only: a cross-site HTML form cannot send it, so no other site can log a browser in (or out)
# behind its back through the refresh cookie.
_JSON_ONLY = [JSONParser]


class RegisterView(APIView):
    permission_classes = [AllowAny]
    parser_classes = _JSON_ONLY
    throttle_classes = [AuthIPThrottle, AuthAccountThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Create an account",
        request=RegisterSerializer,
        responses={201: UserSerializer, **errors(e400="invalid", e429="throttled")},
        auth=[],
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = services.register_user(
                email=data["email"], password=data["password"], full_name=data["full_name"], phone=data["phone"]
            )
        except DjangoValidationError as refused:
            # A concurrent registration with the same address won.
            raise serializers.ValidationError(refused.message_dict) from None
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(APIView):
    permission_classes = [AllowAny]
    parser_classes = _JSON_ONLY
    authentication_classes = [BearerChallenge]
    throttle_classes = [AuthIPThrottle, AuthAccountThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Log in: a JWT pair and the user",
        description=(
            "Also sets the httpOnly refresh cookie (see the API description). An account with two-factor login "
            "answers 401 `otp_required` without `code`, 401 `otp_invalid` with a wrong one: send the same "
            "request again with `code`. A staff account that must set up two-factor login (`STAFF_REQUIRE_2FA`) "
            "logs in without it, but staff endpoints answer 403 `two_factor_required` until it has."
        ),
        request=LoginSerializer,
        responses={
            200: LoginResponseSerializer,
            **errors(e401="invalid_credentials, otp_required, otp_invalid", e429="throttled"),
        },
        auth=[],
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request, email=serializer.validated_data["email"].strip(), password=serializer.validated_data["password"]
        )
        if user is None:
            raise AuthenticationFailed(_("The email address or password is incorrect."), code="invalid_credentials")
        second_factor = False
        if twofactor.enrolled(user):
            code = serializer.validated_data.get("code") or ""
            if not code:
                raise AuthenticationFailed(_("Enter the code from your authenticator app."), code="otp_required")
            if twofactor.verify(user=user, code=code) is None:
                raise AuthenticationFailed(twofactor.WRONG_CODE, code="otp_invalid")
            second_factor = True
        pair = tokens.issue(user=user, second_factor=second_factor)
        response = Response({**pair, "user": UserSerializer(user).data})
        set_refresh_cookie(response, request, pair["refresh"])
        return response


class RefreshView(APIView):
    permission_classes = [AllowAny]
    parser_classes = _JSON_ONLY
    authentication_classes = [BearerChallenge]

    @extend_schema(
        tags=["auth"],
        summary="Exchange a refresh token for a new pair (the old one is blacklisted)",
        description="Takes `refresh` from the body, else from the httpOnly refresh cookie; sets the cookie anew.",
        request=RefreshSerializer,
        responses={200: TokenPairSerializer, **errors(e401="token_not_valid, no_active_account, not_authenticated")},
        auth=[],
    )
    def post(self, request):
        raw = _refresh_from(request)
        if not raw:
            raise NotAuthenticated(_("No refresh token was given."))
        pair = tokens.rotate(raw=raw)
        response = Response(pair)
        set_refresh_cookie(response, request, pair["refresh"])
        return response


class LogoutView(APIView):
    """Possession of the refresh token is what counts: an expired access token does not block logout."""

    permission_classes = [AllowAny]
    parser_classes = _JSON_ONLY

    @extend_schema(
        tags=["auth"],
        summary="Log out: blacklist the refresh token",
        description="Takes `refresh` from the body, else from the httpOnly refresh cookie, and clears the cookie.",
        request=RefreshSerializer,
        responses={204: OpenApiResponse(description="Logged out."), **errors(e401="token_not_valid, not_authenticated")},
    )
    def post(self, request):
        raw = _refresh_from(request)
        if not raw:
            if not request.user.is_authenticated:
                raise NotAuthenticated()
            # Signed in, but no refresh token anywhere: nothing left to revoke.
            response = Response(status=status.HTTP_204_NO_CONTENT)
            _clear_refresh_cookie(response)
            return response
        try:
            tokens.revoke(raw=raw)
        except AuthenticationFailed as exc:
            response = self.handle_exception(exc)
        else:
            response = Response(status=status.HTTP_204_NO_CONTENT)
        _clear_refresh_cookie(response)
        return response


class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "options"]

    def get_object(self):
        return self.request.user

    @extend_schema(tags=["auth"], summary="Your profile")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["auth"], summary="Change your profile", description="`role` and `is_active` are ignored.")
    def patch(self, request, *args, **kwargs):
        return super().patch(request, *args, **kwargs)


@extend_schema(tags=["users"])
class UserListView(generics.ListAPIView):
    serializer_class = UserSerializer
    permission_classes = [IsAdmin]

    def get_queryset(self):
        filters = query_filters(self.request, UserFilterSerializer)
        users = search(User.objects.order_by("-created_at", "id"), filters.get("search"), "email", "full_name")
        return narrow(users, role=filters.get("role"), is_active=filters.get("is_active"))

    @extend_schema(summary="List users (admin)", parameters=[UserFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["users"])
class UserDetailView(generics.RetrieveUpdateAPIView):
    serializer_class = AdminUserSerializer
    permission_classes = [IsAdmin]
    queryset = User.objects.all()
    http_method_names = ["get", "patch", "options"]

    @extend_schema(summary="A user (admin)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Change a user's profile, role or activation (admin)",
        responses={200: AdminUserSerializer, **errors(e400="invalid, own_account")},
    )
    def patch(self, request, *args, **kwargs):
        return super().patch(request, *args, **kwargs)

    def perform_update(self, serializer):
        changes = audit.diff(serializer.instance, serializer.validated_data)
        user = serializer.save()
        if changes:
            audit.record(self.request, "user.change", user, changes)


urlpatterns = [
    path("auth/register/", RegisterView.as_view(), name="api-register"),
    path("auth/login/", LoginView.as_view(), name="api-login"),
    path("auth/refresh/", RefreshView.as_view(), name="api-refresh"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("auth/me/", MeView.as_view(), name="api-me"),
    path("users/", UserListView.as_view(), name="api-users"),
    path("users/<uuid:pk>/", UserDetailView.as_view(), name="api-user"),
]
