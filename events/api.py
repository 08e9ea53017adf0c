"""API v1: events and their ticket types — public reads, admin writes (DESIGN §4).

`sold` is never written here: it belongs to the reservation service. A ticket
type's change goes through events.services.change_ticket, so its quota can
never slip under seats sold concurrently. Event stats live in checkins/api.py, the
app that can see registrations and admissions.
"""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, parsers, serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from audit import services as audit
from eventhub.base import DomainError, in_service_years
from eventhub import openapi
from eventhub.openapi import errors
from eventhub.queries import narrow, query_filters, search

from . import covers, hooks, permissions, services, teams, views
from .models import Event, EventMember, Ticket
from .permissions import is_admin


class _StaffWrites(BasePermission):
    """Anyone reads; a write needs the capability the view names for its method (none named: admins only).

    Which event a write may touch is the view's scoped queryset: another event's is 404.
    """

    public_read = True

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        capability = getattr(view, "write_capability", {}).get(request.method)
        if capability is None:
            return is_admin(request.user)
        return permissions.holds(request.user, capability)


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
    on_sale = serializers.SerializerMethodField(
        help_text="Whether a seat can be bought now: the event is active and upcoming, sales are open, a seat is left."
    )
    sales_closed_reason = serializers.SerializerMethodField(
        help_text="Why it cannot be bought now, for people to read; null while `on_sale`."
    )

    class Meta:
        model = Ticket
        fields = [
            "id", "event", "name", "description", "price", "quota", "sold", "seats_left", "max_per_user",
            "sales_start", "sales_end", "on_sale", "sales_closed_reason", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "event", "sold", "seats_left", "created_at", "updated_at"]

    def get_on_sale(self, ticket: Ticket) -> bool:
        return services.sales_state(ticket).on_sale

    def get_sales_closed_reason(self, ticket: Ticket) -> str | None:
        reason = services.sales_state(ticket).reason
        return None if reason is None else str(reason)

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
    map_url = serializers.URLField(
        max_length=500, required=False, allow_blank=True, validators=[URLValidator(schemes=["http", "https"])],
        help_text="A link to the venue on a map (http or https); empty for a map search of the location and city.",
    )
    map_link = serializers.CharField(
        read_only=True, help_text="`map_url` if set, else a map search for the location and city (empty without either)."
    )
    cover_url = serializers.SerializerMethodField(help_text="The cover image (1200 × 630 JPEG), or null.")
    cover_small_url = serializers.SerializerMethodField(help_text="The cover for cards (600 × 315 JPEG), or null.")

    class Meta:
        model = Event
        fields = [
            "id", "title", "slug", "description", "event_date", "location", "city", "map_url", "map_link",
            "organizer", "cover_url", "cover_small_url", "timezone", "is_active", "max_tickets_per_order", "tickets",
            "created_at", "updated_at",
        ]
        read_only_fields = ["id", "tickets", "created_at", "updated_at"]

    def _cover(self, event: Event, *, small: bool) -> str | None:
        path = covers.url(event, small=small)
        request = self.context.get("request")
        return (request.build_absolute_uri(path) if request else path) if path else None

    def get_cover_url(self, event: Event) -> str | None:
        return self._cover(event, small=False)

    def get_cover_small_url(self, event: Event) -> str | None:
        return self._cover(event, small=True)

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
    city = serializers.CharField(required=False, max_length=100, help_text="Events in this city (any capitalisation).")
    date_from = serializers.DateField(required=False, help_text="Events starting on this day or later (the event's own day).")
    date_to = serializers.DateField(required=False, help_text="Events starting on this day or earlier (the event's own day).")


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
    """Events `request` may read: admins all; others the active ones and those of their own teams."""
    # The seats left shown must not count holds whose payment window has run out.
    if not openapi.describing(request):
        hooks.release_expired_holds()
    events = Event.objects.prefetch_related("tickets")
    if request.method not in SAFE_METHODS:
        return permissions.scope(events, request.user, permissions.MANAGE, path="pk")
    if is_admin(request.user):
        return events
    own = permissions.event_ids(request.user, permissions.DOOR)
    return events.filter(Q(is_active=True) | Q(pk__in=own)) if own else events.filter(is_active=True)


@extend_schema_view(
    get=extend_schema(
        summary="List events",
        description=(
            "The public sees active events; admins see all and may filter with `is_active`; "
            "team members also see their own events, active or not."
        ),
        parameters=[EventFilterSerializer],
    ),
    post=extend_schema(summary="Create an event (admin)", responses={201: EventSerializer, **errors(e400="invalid")}),
)
@extend_schema(tags=["events"])
class EventListView(generics.ListCreateAPIView):
    serializer_class = EventSerializer
    permission_classes = [_StaffWrites]

    def get_queryset(self):
        filters = query_filters(self.request, EventFilterSerializer)
        events = search(_events_for(self.request).order_by("event_date", "id"), filters.get("search"), "title", "location")
        events = narrow(
            events, is_active=filters.get("is_active") if is_admin(self.request.user) else None,
            city__iexact=filters.get("city"),
        )
        if filters.get("upcoming") is not None:
            now = timezone.now()
            events = events.filter(event_date__gt=now) if filters["upcoming"] else events.filter(event_date__lte=now)
        if filters.get("date_from"):
            events = events.filter(views.on_or_after(filters["date_from"]))
        if filters.get("date_to"):
            events = events.filter(views.before(filters["date_to"] + datetime.timedelta(days=1)))
        return events

    def perform_create(self, serializer):
        event = _save_event(serializer)
        audit.record(self.request, "event.add", event, audit.plain(serializer.validated_data))


@extend_schema_view(
    get=extend_schema(
        summary="An event with its ticket types",
        description="An inactive event is 404 but for admins and the event's team.",
    ),
    patch=extend_schema(
        summary="Change an event (admin, the event's managers)",
        description="Another event's is 404 for managers.",
        responses={200: EventSerializer, **errors(e400="invalid")},
    ),
    delete=extend_schema(
        summary="Delete an event and its ticket types (admin)",
        responses={204: OpenApiResponse(description="Deleted."), **errors(e409="has_registrations")},
    ),
)
@extend_schema(tags=["events"])
class EventDetailView(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = EventSerializer
    permission_classes = [_StaffWrites]
    write_capability = {"PATCH": permissions.MANAGE}
    lookup_field = "slug"
    http_method_names = ["get", "patch", "delete", "options"]

    def get_queryset(self):
        return _events_for(self.request)

    def perform_update(self, serializer):
        changes = audit.diff(serializer.instance, serializer.validated_data)
        event = _save_event(serializer)
        if changes:
            audit.record(self.request, "event.change", event, changes)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                audit.record(self.request, "event.delete", instance)
                instance.delete()
        except ProtectedError:
            raise _in_use(_("This event already has registrations and cannot be deleted.")) from None


class _EventTickets:
    """Ticket types of the event named in the URL (an inactive event is hidden but from admins and its team).

    Its managers write them too; for anyone else another event's are 404.
    """

    serializer_class = TicketSerializer
    permission_classes = [_StaffWrites]
    write_capability = {method: permissions.MANAGE for method in ("POST", "PATCH", "DELETE")}

    def get_event(self) -> Event:
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(_events_for(self.request), slug=self.kwargs["slug"])
        return self._event

    def get_queryset(self):
        return Ticket.objects.filter(event=self.get_event()).select_related("event")


@extend_schema_view(
    get=extend_schema(summary="List an event's ticket types"),
    post=extend_schema(summary="Add a ticket type (admin, the event's managers)", responses={201: TicketSerializer, **errors(e400="invalid")}),
)
@extend_schema(tags=["events"])
class TicketListView(_EventTickets, generics.ListCreateAPIView):
    def perform_create(self, serializer):
        ticket = serializer.save(event=self.get_event())
        audit.record(self.request, "ticket.add", ticket, audit.plain(serializer.validated_data))


@extend_schema_view(
    get=extend_schema(summary="A ticket type"),
    patch=extend_schema(
        summary="Change a ticket type (admin, the event's managers)",
        description="`sold` is read-only; the quota can never go below it (400 with `fields.quota`).",
        responses={200: TicketSerializer, **errors(e400="invalid")},
    ),
    delete=extend_schema(
        summary="Delete a ticket type (admin, the event's managers)",
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
        before = audit.diff(ticket, serializer.validated_data)
        try:
            ticket = services.change_ticket(ticket, serializer.validated_data)
        except DjangoValidationError as refused:
            raise serializers.ValidationError(refused.message_dict) from None
        if before:
            audit.record(request, "ticket.change", ticket, before)
        return Response(self.get_serializer(ticket).data, status=status.HTTP_200_OK)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                audit.record(self.request, "ticket.delete", instance)
                instance.delete()
        except ProtectedError:
            raise _in_use(_("This ticket type already has registrations and cannot be deleted.")) from None


class CoverUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG or WebP, at least 600 × 315 pixels; cropped to 1200 × 630.")


@extend_schema(tags=["events"])
class EventCoverView(APIView):
    """An event's cover image: upload a new one, or take it away (admins and the event's managers)."""

    permission_classes = [permissions.ManagesEvents]
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        summary="Upload an event's cover image (admin, event manager)",
        description=(
            "Multipart field `file`. The type is read from the content; the image is re-encoded and cropped to "
            "1200 × 630 (and 600 × 315 for cards). 413 `too_large`, 415 `type_not_allowed`, 400 `image_too_small`."
        ),
        request={"multipart/form-data": CoverUploadSerializer},
        responses={
            200: EventSerializer,
            **errors(e400="invalid, image_too_small, empty_file", e404="not_found", e413="too_large",
                     e415="type_not_allowed"),
        },
    )
    def put(self, request, slug):
        event = get_object_or_404(_events_for(request), slug=slug)
        upload = CoverUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        covers.set_cover(event=event, cover=covers.prepare(upload.validated_data["file"]))
        audit.record(request, "event.cover", event, {"cover": "uploaded"})
        return Response(EventSerializer(_events_for(request).get(pk=event.pk), context={"request": request}).data)

    @extend_schema(summary="Remove an event's cover image (admin, event manager)", request=None,
                   responses={200: EventSerializer})
    def delete(self, request, slug):
        event = get_object_or_404(_events_for(request), slug=slug)
        covers.remove_cover(event=event)
        audit.record(request, "event.cover", event, {"cover": "removed"})
        return Response(EventSerializer(_events_for(request).get(pk=event.pk), context={"request": request}).data)


urlpatterns = [
    path("events/", EventListView.as_view(), name="api-events"),
    path("events/<slug:slug>/", EventDetailView.as_view(), name="api-event"),
    path("events/<slug:slug>/cover/", EventCoverView.as_view(), name="api-event-cover"),
    path("events/<slug:slug>/tickets/", TicketListView.as_view(), name="api-tickets"),
    path("events/<slug:slug>/tickets/<uuid:pk>/", TicketDetailView.as_view(), name="api-ticket"),
]


# --- The event's team (issue 11) ----------------------------------------------


class TeamUserSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class TeamMemberSerializer(serializers.ModelSerializer):
    user = TeamUserSerializer(read_only=True)

    class Meta:
        model = EventMember
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = fields


class TeamAddSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The email address of an existing account.")
    role = serializers.ChoiceField(choices=EventMember.Role.choices)

    def validate_email(self, value: str):
        user = User.objects.filter(email__iexact=value.strip(), is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("No active account has this email address."), code="unknown_user")
        return user


class TeamRemoveSerializer(serializers.Serializer):
    user = serializers.UUIDField(help_text="The id of the member's account.")


@extend_schema(tags=["events"])
class TeamView(generics.ListAPIView):
    """The team of the event in the URL: admins and its managers; another event's is 404."""

    serializer_class = TeamMemberSerializer
    permission_classes = [permissions.ManagesEvents]

    def get_event(self) -> Event:
        events = permissions.events_for(self.request.user, permissions.MANAGE)
        return get_object_or_404(events, slug=self.kwargs["slug"])

    def get_queryset(self):
        return EventMember.objects.filter(event=self.get_event()).select_related("user").order_by("role", "created_at")

    @extend_schema(summary="An event's team (admin, the event's managers)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Add a team member, or change their role",
        description=(
            "Admins add managers and door staff; managers add door staff to their own events. "
            "201 for a new member, 200 when an existing member's role changed."
        ),
        request=TeamAddSerializer,
        responses={200: TeamMemberSerializer, 201: TeamMemberSerializer, **errors(e400="invalid", e403="permission_denied")},
    )
    def post(self, request, slug):
        event = self.get_event()
        data = TeamAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        before = EventMember.objects.filter(event=event, user=data.validated_data["email"]).values_list("role", flat=True).first()
        member, created = teams.add_member(
            event=event, user=data.validated_data["email"], role=data.validated_data["role"], by=request.user
        )
        if before != member.role:
            audit.record(request, "team.add" if created else "team.change", member,
                         {"user": member.user.email, "role": [before, member.role]})
        body = TeamMemberSerializer(EventMember.objects.select_related("user").get(pk=member.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Remove a team member",
        description="Names the member's account as `user` in the body (or the query). Managers remove door staff only.",
        request=TeamRemoveSerializer,
        parameters=[OpenApiParameter("user", OpenApiTypes.UUID, required=False)],
        responses={204: OpenApiResponse(description="Removed."), **errors(e403="permission_denied")},
    )
    def delete(self, request, slug):
        event = self.get_event()
        source = request.data if isinstance(request.data, dict) and request.data else request.query_params
        data = TeamRemoveSerializer(data={"user": source.get("user")})
        data.is_valid(raise_exception=True)
        member = get_object_or_404(EventMember.objects.select_related("event"), event=event, user_id=data.validated_data["user"])
        teams.remove_member(member=member, by=request.user)
        audit.record(request, "team.remove", member, {"user": member.user.email, "role": [member.role, None]})
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns.append(path("events/<slug:slug>/team/", TeamView.as_view(), name="api-event-team"))
