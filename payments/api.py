"""API v1 routes of this app (included by eventhub/api.py): start a payment, the gateways' webhooks."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations.models import Registration

from . import gateways, services
from .models import Payment


class StartInput(serializers.Serializer):
    registration = serializers.UUIDField()
    provider = serializers.ChoiceField(choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = gateways.provider_choices()


class PaymentOutput(serializers.ModelSerializer):
    payment = serializers.UUIDField(source="id")

    class Meta:
        model = Payment
        fields = ["payment", "registration", "provider", "order_id", "status", "amount", "redirect_url", "expires_at"]


class StartPaymentView(APIView):
    """Start (or resume) paying one's pending registration at a gateway."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=StartInput, responses={200: PaymentOutput, 201: PaymentOutput})
    def post(self, request):
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        registration = get_object_or_404(
            Registration, pk=data.validated_data["registration"], user=request.user
        )
        payment, created = services.start_payment(
            registration=registration, provider=data.validated_data["provider"]
        )
        return Response(PaymentOutput(payment).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class WebhookView(APIView):
    """A gateway's callback: stored, verified, checked against the gateway, applied (DESIGN §4)."""

    provider = ""
    # The gateway authenticates by signature or token, not by session or JWT (so no CSRF either).
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        request=inline_serializer("GatewayCallback", {}),
        responses={200: inline_serializer("CallbackAnswer", {"code": serializers.CharField(),
                                                             "detail": serializers.CharField()})},
    )
    def post(self, request):
        http_status, body = services.receive_webhook(
            provider=self.provider, headers=request.headers, body=request.body
        )
        return Response(body, status=http_status)


urlpatterns = [
    path("payments/start/", StartPaymentView.as_view(), name="payments-start"),
    path("payments/webhooks/midtrans/", WebhookView.as_view(provider="midtrans"), name="payments-webhook-midtrans"),
    path("payments/webhooks/xendit/", WebhookView.as_view(provider="xendit"), name="payments-webhook-xendit"),
]
