"""API v1 routes of this app (included by eventhub/api.py): start a payment, the gateways' webhooks."""

import re

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from eventhub.openapi import errors

from registrations import hooks
from registrations.models import Order, Registration

from . import attempts, gateways, methods, webhooks
from .models import Payment


# A path of the PWA on this origin: never another site (no open redirect through the gateway).
PWA_RETURN_PATH = re.compile(r"^/app/(?!/)[A-Za-z0-9/_.~%?=&-]*$")


class StartInput(serializers.Serializer):
    registration = serializers.UUIDField(required=False, help_text="A ticket to pay: its whole order is paid.")
    order = serializers.UUIDField(required=False, help_text="An order to pay (instead of `registration`).")
    provider = serializers.ChoiceField(choices=[], required=False, help_text="The gateway; or name `method` instead.")
    method = serializers.ChoiceField(
        choices=[], required=False,
        help_text="How the buyer pays (qris, va, ewallet, card): the gateway behind it is picked when `provider` is absent.",
    )
    return_path = serializers.CharField(
        required=False, allow_blank=True, max_length=200,
        help_text="Where the gateway sends the buyer back: a path under /app/ (the PWA); default the site's page.",
    )

    def validate_return_path(self, value: str) -> str:
        if value and (not PWA_RETURN_PATH.match(value) or ".." in value or "//" in value):
            raise serializers.ValidationError("Must be a path under /app/ on this site.")
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = gateways.provider_choices()
        self.fields["method"].choices = [(offer["code"], offer["label"]) for offer in methods.offers()]

    def validate(self, data):
        if bool(data.get("registration")) == bool(data.get("order")):
            raise serializers.ValidationError(
                {"registration": ["Name either a registration or an order."]}
            )
        if not data.get("provider"):
            if not data.get("method"):
                raise serializers.ValidationError({"provider": "Name the gateway (provider) or how to pay (method)."})
            data["provider"] = methods.gateway_for(data["method"])
        return data


class PaymentOutput(serializers.ModelSerializer):
    payment = serializers.UUIDField(source="id")

    class Meta:
        model = Payment
        fields = ["payment", "registration", "provider", "order_id", "status", "amount", "redirect_url", "expires_at"]


class StartPaymentView(APIView):
    """Start (or resume) paying one's pending order (or the order of a registration) at a gateway."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=StartInput, responses={200: PaymentOutput, 201: PaymentOutput, **errors(e403="waiting_room")}
    )
    def post(self, request):
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("order"):
            order = get_object_or_404(
                Order.objects.select_related("event"), pk=data.validated_data["order"], user=request.user
            )
            registration = order.lead_registration()
            registration.event = order.event
        else:
            registration = get_object_or_404(
                Registration.objects.select_related("order", "event"), pk=data.validated_data["registration"],
                user=request.user,
            )
        refusal = _admission_refusal(request, registration)
        if refusal is not None:
            return refusal
        payment, created = attempts.start_payment(
            registration=registration, provider=data.validated_data["provider"],
            return_path=data.validated_data.get("return_path", ""),
        )
        return Response(PaymentOutput(payment).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _admission_refusal(request, registration: Registration):
    """Return the waiting room's 403 for paying a new order without a pass, else None.

    Only an order never sent to a gateway and not placed through the room needs
    the pass: a buyer whose pass ran out after placing the order, or while
    paying, may still pay, resume or retry the payment of a held seat.
    """
    refusal = hooks.admission_refusal(request, registration.event, placed_at=registration.created_at)
    if refusal is None or Payment.objects.filter(registration__order_id=registration.order_id).exists():
        return None
    return refusal


class WebhookView(APIView):
    """A gateway's callback: stored, verified, checked against the gateway, applied (DESIGN §4)."""

    provider = ""
    # The gateway authenticates by signature or token, not by session or JWT (so no CSRF either).
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    # A body no field can hold is still stored as received, then answered 400 (eventhub.sanitise).
    accepts_unsafe_input = True

    @extend_schema(
        request=inline_serializer("GatewayCallback", {}),
        responses={200: inline_serializer("CallbackAnswer", {"code": serializers.CharField(),
                                                             "detail": serializers.CharField()})},
    )
    def post(self, request):
        unsafe = getattr(request, "unsafe_input", None)
        http_status, body = webhooks.receive_webhook(
            provider=self.provider, headers=request.headers, body=request.body,
            refusal=f"{unsafe.field}: {unsafe.message}" if unsafe else "",
        )
        return Response(body, status=http_status)


urlpatterns = [
    path("payments/start/", StartPaymentView.as_view(), name="payments-start"),
    path("payments/webhooks/midtrans/", WebhookView.as_view(provider="midtrans"), name="payments-webhook-midtrans"),
    path("payments/webhooks/xendit/", WebhookView.as_view(provider="xendit"), name="payments-webhook-xendit"),
]
