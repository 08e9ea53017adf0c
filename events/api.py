"""API v1: events and their ticket types — public reads, admin writes (DESIGN §4).

`sold` is never written here: it belongs to the reservation service. A quota
change is one conditional UPDATE (`WHERE sold <= quota`), so it can never
slip under seats sold concurrently. Event stats live in checkins/api.py, the
app that can see registrations and admissions.
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from accounts.permissions import IsAdmin, is_admin
from eventhub.base import DomainError, in_service_years
from eventhub.openapi import errors

from . import hooks
from .models import Event, Ticket


class _AdminWrites(IsAdmin):
    """Anyone reads; admins write."""

    public_read = True

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)


def _in_use(message) -> DomainError:
    return DomainError(message, code="has_registrations")


# --- Serializers -------------------------------------------------------------


class TicketSerializer(serializers.ModelSerializer):
    sales_start = serializers.DateTimeField(required=False, allow_null=True, validators=[in_service_years])
    sales_end = serializers.DateTimeField(required=False, allow_null=True, validators=[in_service_years])
    price = serializers.DecimalField(
        max_digits=12, decimal_places=0, min_value=0, help_text="Whole rupiah, as a string: \"150000\"."
    )
    quota = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    seats_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id", "event", "name", "description", "price", "quota", "sold", "seats_left",
            "sales_start", "sales_end", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "event", "sold", "seats_left", "created_at", "updated_at"]

    def validate_quota(self, value: int) -> int:
        if self.instance is not None and value < self.instance.sold:
            raise serializers.ValidationError(
                _("The quota cannot be lower than the %(sold)d seats already sold.") % {"sold": self.instance.sold},
                code="below_sold",
            )
        return value

    def validate(self, attrs):
        start = attrs.get("sales_start", getattr(self.instance, "sales_start", None))
        end = attrs.get("sales_end", getattr(self.instance, "sales_end", None))
        if start and end and end <= start:
            raise serializers.ValidationError({"sales_end": [_("Sales must end after they start.")]})
        return attrs


class EventSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(
        max_length=220, required=False, allow_blank=True, help_text="Generated from the title when omitted."
    )
    event_date = serializers.DateTimeField(validators=[in_service_years])
    tickets = TicketSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id", "title", "slug", "description", "event_date", "location", "timezone", "is_active",
            "tickets", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "tickets", "created_at", "updated_at"]

    def validate_slug(self, value: str) -> str:
        if value and Event.objects.filter(slug=value).exclude(pk=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError(_("An event with this slug already exists."), code="unique")
        return value


class EventFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, help_text="Part of the title or location.")
    is_active = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Admins only: filter by activity (default: all)."
    )
    upcoming = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only events still to come (true) or past (false)."
    )


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "event"
    slug, n = base, 1
    while Event.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _save_event(serializer: EventSerializer) -> Event:
    """Save an event, generating a free slug when none was given (and again if one is taken meanwhile)."""
    for _attempt in range(5):
        extra = {}
        if not serializer.validated_data.get("slug") and (serializer.instance is None or "slug" in serializer.validated_data):
            extra["slug"] = _unique_slug(serializer.validated_data.get("title") or serializer.instance.title)
        try:
            with transaction.atomic():
                return serializer.save(**extra)
        except IntegrityError:
            if "slug" not in extra:
                raise serializers.ValidationError({"slug": [_("An event with this slug already exists.")]}) from None
    raise serializers.ValidationError({"slug": [_("An event with this slug already exists.")]})


# --- Views -------------------------------------------------------------------


def _events_for(request):
    # The seats left shown must not count holds whose payment window has run out.
    hooks.release_expired_holds()
    events = Event.objects.prefetch_related("tickets")
    return events if is_admin(request) else events.filter(is_active=True)


@extend_schema_view(
    get=extend_schema(
        summary="List events",
        description="The public sees active events; admins see all and may filter with `is_active`.",
        parameters=[EventFilterSerializer],
    ),
    post=extend_schema(summary="Create an event (admin)", responses={201: EventSerializer, **errors(e400="invalid")}),
)
@extend_schema(tags=["events"])
class EventListView(generics.ListCreateAPIView):
    serializer_class = EventSerializer
    permission_classes = [_AdminWrites]

    def get_queryset(self):
        params = EventFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        events = _events_for(self.request).order_by("event_date", "id")
        if filters.get("search"):
            events = events.filter(Q(title__icontains=filters["search"]) | Q(location__icontains=filters["search"]))
        if filters.get("is_active") is not None and is_admin(self.request):
            events = events.filter(is_active=filters["is_active"])
        if filters.get("upcoming") is not None:
            now = timezone.now()
            events = events.filter(event_date__gt=now) if filters["upcoming"] else events.filter(event_date__lte=now)
        return events

    def perform_create(self, serializer):
        _save_event(serializer)


@extend_schema_view(
    get=extend_schema(summary="An event with its ticket types", description="An inactive event is 404 for non-admins."),
    patch=extend_schema(summary="Change an event (admin)", responses={200: EventSerializer, **errors(e400="invalid")}),
    delete=extend_schema(
        summary="Delete an event and its ticket types (admin)",
        responses={204: OpenApiResponse(description="Deleted."), **errors(e409="has_registrations")},
    ),
)
@extend_schema(tags=["events"])
class EventDetailView(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = EventSerializer
    permission_classes = [_AdminWrites]
    lookup_field = "slug"
    http_method_names = ["get", "patch", "delete", "options"]

    def get_queryset(self):
        return _events_for(self.request)

    def perform_update(self, serializer):
        _save_event(serializer)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError:
            raise _in_use(_("This event already has registrations and cannot be deleted.")) from None


class _EventTickets:
    """Ticket types of the event named in the URL (an inactive event is hidden from non-admins)."""

    serializer_class = TicketSerializer
    permission_classes = [_AdminWrites]

    def get_event(self) -> Event:
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(_events_for(self.request), slug=self.kwargs["slug"])
        return self._event

    def get_queryset(self):
        return Ticket.objects.filter(event=self.get_event()).select_related("event")


@extend_schema_view(
    get=extend_schema(summary="List an event's ticket types"),
    post=extend_schema(summary="Add a ticket type (admin)", responses={201: TicketSerializer, **errors(e400="invalid")}),
)
@extend_schema(tags=["events"])
class TicketListView(_EventTickets, generics.ListCreateAPIView):
    def perform_create(self, serializer):
        serializer.save(event=self.get_event())


@extend_schema_view(
    get=extend_schema(summary="A ticket type"),
    patch=extend_schema(
        summary="Change a ticket type (admin)",
        description="`sold` is read-only; the quota can never go below it (400 with `fields.quota`).",
        responses={200: TicketSerializer, **errors(e400="invalid")},
    ),
    delete=extend_schema(
        summary="Delete a ticket type (admin)",
        responses={204: OpenApiResponse(description="Deleted."), **errors(e409="has_registrations")},
    ),
)
@extend_schema(tags=["events"])
class TicketDetailView(_EventTickets, generics.RetrieveUpdateDestroyAPIView):
    http_method_names = ["get", "patch", "delete", "options"]

    def update(self, request, *args, **kwargs):
        ticket = self.get_object()
        serializer = self.get_serializer(ticket, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        if changes:
            # Never a plain save(): it would write back a stale `sold`.
            quota = changes.get("quota", ticket.quota)
            updated = Ticket.objects.filter(pk=ticket.pk, sold__lte=quota).update(**changes, updated_at=timezone.now())
            if not updated:
                ticket.refresh_from_db()
                raise serializers.ValidationError(
                    {"quota": [_("The quota cannot be lower than the %(sold)d seats already sold.") % {"sold": ticket.sold}]}
                )
        ticket.refresh_from_db()
        return Response(self.get_serializer(ticket).data, status=status.HTTP_200_OK)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError:
            raise _in_use(_("This ticket type already has registrations and cannot be deleted.")) from None


urlpatterns = [
    path("events/", EventListView.as_view(), name="api-events"),
    path("events/<slug:slug>/", EventDetailView.as_view(), name="api-event"),
    path("events/<slug:slug>/tickets/", TicketListView.as_view(), name="api-tickets"),
    path("events/<slug:slug>/tickets/<uuid:pk>/", TicketDetailView.as_view(), name="api-ticket"),
]
