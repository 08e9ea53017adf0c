"""API v1: paired scanner devices — pairing codes, pairing, the device list, revocation, a device's scans (issue 11)."""

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import BearerChallenge
from audit import services as audit
from accounts.throttles import AuthIPThrottle
from events import permissions
from events.models import Event
from eventhub.openapi import errors
from registrations import qr

from . import devices
from .models import OfflineScan, ScannerDevice


class DeviceEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["id", "slug", "title"]
        read_only_fields = fields


class DeviceSerializer(serializers.ModelSerializer):
    event = serializers.UUIDField(source="event_id", read_only=True)
    paired_by = serializers.CharField(source="paired_by.full_name", default=None, allow_null=True, read_only=True)
    admitted = serializers.IntegerField(read_only=True, help_text="Admissions this device made (live and synced).")
    refused_scans = serializers.IntegerField(
        read_only=True, help_text="Offline scans it uploaded after it was revoked: kept, nobody admitted."
    )
    is_revoked = serializers.BooleanField(read_only=True)

    class Meta:
        model = ScannerDevice
        fields = [
            "id", "event", "name", "paired_by", "paired_at", "last_seen_at", "last_sync_at", "scans", "admitted",
            "refused_scans", "is_revoked", "revoked_at",
        ]
        read_only_fields = fields


class PairingStartSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text='What staff call the device, e.g. "North gate 2".')


class PairingCodeSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField(help_text="8 characters; shown once. The phone types it, or scans the QR code.")
    pair_url = serializers.CharField(help_text="What the QR code holds: the PWA's pairing page with the code.")
    qr_svg = serializers.CharField(help_text="The QR code of `pair_url`, an SVG document.")
    expires_at = serializers.DateTimeField()


class PairSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text="The pairing code (case, spaces and dashes ignored).")


class PairedSerializer(serializers.Serializer):
    credential = serializers.CharField(help_text="Send as `Authorization: Device <credential>`; shown once.")
    device = DeviceSerializer()
    event = DeviceEventSerializer()


class DeviceScanSerializer(serializers.ModelSerializer):
    registration = serializers.UUIDField(source="registration_id", allow_null=True, read_only=True)
    attendee_name = serializers.CharField(source="registration.user.full_name", default=None, allow_null=True)
    ticket_name = serializers.CharField(source="registration.ticket.name", default=None, allow_null=True)

    class Meta:
        model = OfflineScan
        fields = ["scan_id", "registration", "attendee_name", "ticket_name", "scanned_at", "result", "received_at"]
        read_only_fields = fields


def _devices():
    return ScannerDevice.objects.select_related("paired_by").annotate(
        admitted=Count("checkins", distinct=True),
        refused_scans=Count(
            "offline_scans", filter=Q(offline_scans__result=OfflineScan.Result.DEVICE_REVOKED), distinct=True
        ),
    )


class _EventDevices:
    permission_classes = [permissions.ManagesEvents]

    def get_event(self) -> Event:
        events = permissions.events_for(self.request.user, permissions.MANAGE)
        return get_object_or_404(events, slug=self.kwargs["slug"])

    def get_device(self) -> ScannerDevice:
        return get_object_or_404(_devices().filter(event=self.get_event()), pk=self.kwargs["pk"])


@extend_schema(tags=["checkins"])
class DeviceListView(_EventDevices, generics.ListAPIView):
    serializer_class = DeviceSerializer

    def get_queryset(self):
        return _devices().filter(event=self.get_event()).order_by("-paired_at")

    @extend_schema(summary="An event's paired scanners, with their last sync and scan counts (admin, its managers)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Add a scanner: a pairing code for the event (admin, its managers)",
        description=f"The code pairs one device within {devices.PAIRING_MINUTES} minutes; it is shown only now.",
        request=PairingStartSerializer,
        responses={201: PairingCodeSerializer, **errors(e400="invalid")},
    )
    def post(self, request, slug):
        event = self.get_event()
        data = PairingStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pairing, code = devices.start_pairing(event=event, name=data.validated_data["name"], by=request.user)
        audit.record(request, "device.pairing_code", pairing, {"name": pairing.name, "expires_at": pairing.expires_at})
        url = devices.pair_url(code)
        body = {"name": pairing.name, "code": code, "pair_url": url, "qr_svg": qr.render_svg(url),
                "expires_at": pairing.expires_at}
        return Response(PairingCodeSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["checkins"])
class DeviceRevokeView(_EventDevices, APIView):
    @extend_schema(
        summary="Revoke a paired scanner (admin, the event's managers)",
        description="From its next request the device is refused (401 `device_revoked`). Revoking again changes nothing.",
        request=None,
        responses={200: DeviceSerializer},
    )
    def post(self, request, slug, pk):
        device = self.get_device()
        if not device.is_revoked:
            device = devices.revoke(device=device, by=request.user)
            audit.record(request, "device.revoke", device, {"revoked_at": device.revoked_at})
        return Response(DeviceSerializer(_devices().get(pk=device.pk)).data)


@extend_schema(tags=["checkins"])
class DeviceScansView(_EventDevices, generics.ListAPIView):
    serializer_class = DeviceScanSerializer

    def get_queryset(self):
        device = self.get_device()
        return device.offline_scans.select_related("registration__user", "registration__ticket").order_by("-scanned_at")

    @extend_schema(
        summary="The offline scans a paired scanner uploaded, for review (admin, the event's managers)",
        description="Those a revoked device uploaded answer `device_revoked`: nobody was admitted by them.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["checkins"])
class PairView(APIView):
    """The phone's side: anyone holding a live pairing code; throttled per address like logging in."""

    authentication_classes = [BearerChallenge]
    permission_classes = [AllowAny]
    throttle_classes = [AuthIPThrottle]

    @extend_schema(
        summary="Pair this device with an event, with a pairing code (anyone)",
        description=f"Also sets the credential as the httpOnly cookie `{devices.COOKIE}` (path {devices.COOKIE_PATH}) "
                    "for the PWA: the scan, manifest and sync endpoints accept it as they accept the header.",
        auth=[],
        request=PairSerializer,
        responses={201: PairedSerializer, **errors(e400="invalid, invalid_pairing_code", e429="throttled")},
    )
    def post(self, request):
        data = PairSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device, credential = devices.pair(code=data.validated_data["code"])
        # The pairing is the act of the staff member who issued the code; the address is the phone's.
        audit.record(request, "device.pair", device, {"name": device.name}, actor=device.paired_by)
        body = {"credential": credential, "device": _devices().get(pk=device.pk), "event": device.event}
        response = Response(PairedSerializer(body).data, status=status.HTTP_201_CREATED)
        response.set_cookie(
            devices.COOKIE, credential, max_age=devices.COOKIE_MAX_AGE, path=devices.COOKIE_PATH,
            secure=not (settings.DEBUG and not request.is_secure()), httponly=True, samesite="Strict",
        )
        return response


urlpatterns = [
    path("devices/pair/", PairView.as_view(), name="api-device-pair"),
    path("events/<slug:slug>/devices/", DeviceListView.as_view(), name="api-event-devices"),
    path("events/<slug:slug>/devices/<uuid:pk>/revoke/", DeviceRevokeView.as_view(), name="api-event-device-revoke"),
    path("events/<slug:slug>/devices/<uuid:pk>/scans/", DeviceScansView.as_view(), name="api-event-device-scans"),
]
