"""API v1: the audit log — admins read all of it, managers their events' entries (issue 11)."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from events import permissions

from .models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.UUIDField(source="actor_id", allow_null=True, read_only=True)
    event = serializers.UUIDField(source="event_id", allow_null=True, read_only=True)
    changes = serializers.DictField(child=serializers.JSONField(), read_only=True,
                                    help_text="Field → `[before, after]`, or what the action records.")

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "actor_label", "ip_address", "action", "object_type", "object_id",
                  "object_repr", "event", "changes"]
        read_only_fields = fields


class AuditFilterSerializer(serializers.Serializer):
    event = serializers.UUIDField(required=False)
    action = serializers.CharField(required=False, max_length=60, help_text="e.g. `event.change`, `device.revoke`.")


def _filtered(entries, params):
    if params.get("event"):
        entries = entries.filter(event_id=params["event"])
    if params.get("action"):
        entries = entries.filter(action=params["action"])
    return entries


@extend_schema(tags=["audit"], summary="The audit log (admin: everything; managers: their events')",
               parameters=[AuditFilterSerializer])
class AuditListView(generics.ListAPIView):
    serializer_class = AuditEntrySerializer
    permission_classes = [permissions.ManagesEvents]

    def get_queryset(self):
        params = AuditFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        entries = permissions.scope(AuditEntry.objects.all(), self.request.user, permissions.MANAGE)
        return _filtered(entries, params.validated_data)


@extend_schema(tags=["audit"], summary="An event's audit log (admin, the event's managers)",
               parameters=[AuditFilterSerializer])
class EventAuditListView(generics.ListAPIView):
    serializer_class = AuditEntrySerializer
    permission_classes = [permissions.ManagesEvents]

    def get_queryset(self):
        event = get_object_or_404(permissions.events_for(self.request.user, permissions.MANAGE), slug=self.kwargs["slug"])
        params = AuditFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return _filtered(AuditEntry.objects.filter(event=event), {**params.validated_data, "event": None})


urlpatterns = [
    path("audit/", AuditListView.as_view(), name="api-audit"),
    path("events/<slug:slug>/audit/", EventAuditListView.as_view(), name="api-event-audit"),
]
