"""API v1: orders of several tickets, quotes, promo codes (vouchers) and waiting lists (issue 10).

A buyer sees only their own orders (another's is 404); admins see all, an
event's managers that event's. Vouchers are managed by admins and the event's
managers under `events/{slug}/vouchers/`; a waiting list is joined and left
under `events/{slug}/waitlist/`.
"""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from eventhub.openapi import errors
from events import permissions
from events.models import Event, Ticket

from . import services
from .api import RegistrationSerializer
from .models import Order, Registration, Voucher, WaitlistEntry

ORDER_ERRORS = errors(
    e400="invalid, invalid_voucher", e409="sold_out, limit_exceeded, sales_closed, already_registered, offer_expired"
)


class OrderSerializer(serializers.ModelSerializer):
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=0, read_only=True)
    discount = serializers.DecimalField(max_digits=12, decimal_places=0, read_only=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=0, read_only=True)
    voucher = serializers.SerializerMethodField(help_text="The promo code applied, or null.")
    event_title = serializers.CharField(source="event.title", read_only=True)
    event_slug = serializers.CharField(source="event.slug", read_only=True)
    registrations = RegistrationSerializer(many=True, read_only=True, help_text="The order's tickets.")

    class Meta:
        model = Order
        fields = [
            "id", "number", "event", "event_title", "event_slug", "status", "subtotal", "discount", "total",
            "voucher", "expires_at", "paid_at", "cancelled_at", "created_at", "registrations",
        ]
        read_only_fields = fields

    def get_voucher(self, order) -> str | None:
        return order.voucher.code if order.voucher_id else None


class ItemSerializer(serializers.Serializer):
    ticket = serializers.UUIDField(help_text="The id of a ticket type of the event.")
    quantity = serializers.IntegerField(min_value=1, max_value=100, help_text="How many tickets of this type.")


class AttendeeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class QuoteRequestSerializer(serializers.Serializer):
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all(), help_text="The event's id.")
    items = ItemSerializer(many=True, allow_empty=False)
    voucher = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                    help_text="A promo code, in any case.")

    def validate(self, data):
        event, items = data["event"], data["items"]
        tickets = {t.pk: t for t in Ticket.objects.filter(event=event, pk__in=[i["ticket"] for i in items])}
        tickets_of = []
        for index, item in enumerate(items):
            ticket = tickets.get(item["ticket"])
            if ticket is None:
                raise serializers.ValidationError(
                    {"items": {index: {"ticket": [_("This event has no such ticket type.")]}}}
                )
            ticket.event = event
            tickets_of.append(services.Item(ticket=ticket, quantity=item["quantity"]))
        total = sum(item.quantity for item in tickets_of)
        if total > event.max_tickets_per_order:
            raise serializers.ValidationError(
                {"items": [services.orders.per_order_limit_message(event.max_tickets_per_order)]}
            )
        data["lines"] = tickets_of
        data["quantity"] = total
        return data


class OrderCreateSerializer(QuoteRequestSerializer):
    attendees = AttendeeSerializer(many=True, required=False,
                                   help_text="One per ticket, in the order of `items`; the buyer's by default.")
    waitlist_entry = serializers.UUIDField(required=False, help_text="A waiting-list offer being claimed.")

    def validate(self, data):
        data = super().validate(data)
        attendees = data.get("attendees")
        if attendees is not None and len(attendees) != data["quantity"]:
            raise serializers.ValidationError(
                {"attendees": [_("Name one attendee for each ticket (%(count)d).") % {"count": data["quantity"]}]}
            )
        return data


class QuoteLineSerializer(serializers.Serializer):
    ticket = serializers.UUIDField(source="ticket.pk")
    ticket_name = serializers.CharField(source="ticket.name")
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=0)
    amount = serializers.DecimalField(max_digits=12, decimal_places=0)
    discount = serializers.DecimalField(max_digits=12, decimal_places=0)


class QuoteSerializer(serializers.Serializer):
    event = serializers.UUIDField(source="event.pk")
    lines = QuoteLineSerializer(many=True)
    voucher = serializers.SerializerMethodField()
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=0)
    discount = serializers.DecimalField(max_digits=12, decimal_places=0)
    total = serializers.DecimalField(max_digits=12, decimal_places=0)

    def get_voucher(self, quote) -> str | None:
        return quote.voucher.code if quote.voucher else None


class OrderFilterSerializer(serializers.Serializer):
    event = serializers.UUIDField(required=False, help_text="An event id.")
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only your own, whatever your staff roles (an admin's \"my tickets\")."
    )


def _orders_for(request, *, staff: bool = True):
    """Orders `request` may see: one's own, and (`staff`) those of the events one manages."""
    orders = Order.objects.select_related("event", "voucher").prefetch_related(
        Prefetch("registrations", Registration.objects.select_related("event", "ticket", "user").order_by("created_at", "id"))
    )
    ids = permissions.event_ids(request.user, permissions.MANAGE) if staff else set()
    if ids is None:
        return orders
    if not ids:
        return orders.filter(user=request.user)
    return orders.filter(Q(user=request.user) | Q(event_id__in=ids))


@extend_schema_view(
    get=extend_schema(summary="List orders", description=(
        "Your own; admins see all, an event's managers that event's with `?event=<its id>`."),
                      parameters=[OrderFilterSerializer]),
    post=extend_schema(
        summary="Buy several tickets in one order",
        description=(
            "All or nothing: 201 with a pending order holding every ticket (paid at once when its total is 0), "
            "or a refusal that holds nothing. `limit_exceeded` and `sold_out` name the ticket type in `ticket`."
        ),
        request=OrderCreateSerializer,
        responses={201: OrderSerializer, **ORDER_ERRORS},
    ),
)
@extend_schema(tags=["orders"])
class OrderListView(generics.ListCreateAPIView):
    serializer_class = OrderSerializer

    def get_queryset(self):
        params = OrderFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        event = params.validated_data.get("event")
        # A manager's list without `?event=` of their event is their own orders as a buyer, as for registrations/.
        staff = not params.validated_data.get("mine") and (permissions.is_admin(self.request.user) or (
            event is not None and permissions.holds(self.request.user, permissions.MANAGE, event)
        ))
        services.expire_orders(user=None if staff else self.request.user)
        orders = _orders_for(self.request, staff=staff).order_by("-created_at", "id")
        if params.validated_data.get("event"):
            orders = orders.filter(event_id=params.validated_data["event"])
        if params.validated_data.get("status"):
            orders = orders.filter(status=params.validated_data["status"])
        return orders

    def create(self, request, *args, **kwargs):
        data = OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        refusal = _admission_refusal(request, values["event"])
        if refusal is not None:
            return refusal
        entry = None
        if values.get("waitlist_entry"):
            entry = WaitlistEntry.objects.filter(pk=values["waitlist_entry"], user=request.user).first()
            if entry is None:
                raise serializers.ValidationError({"waitlist_entry": [_("You hold no such waiting-list offer.")]})
        attendees = [services.Attendee(**a) for a in values["attendees"]] if "attendees" in values else None
        order = services.place_order(
            user=request.user, event=values["event"], items=values["lines"], attendees=attendees,
            voucher_code=values["voucher"], waitlist_entry=entry,
        )
        order = _orders_for(request).get(pk=order.pk)
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED)


def _admission_refusal(request, event):
    """Return the waiting room's 403 `waiting_room` answer for a buyer without a valid pass, else None.

    The gate (CONTRACTS: `waitingroom.gate.require_admission`) raises or
    returns the refusal; without the waiting-room app every buyer passes.
    """
    try:
        from waitingroom import gate
    except ImportError:
        return None
    return gate.require_admission(request, event)


@extend_schema(tags=["orders"], summary="An order with its tickets")
class OrderDetailView(generics.RetrieveAPIView):
    serializer_class = OrderSerializer

    def get_queryset(self):
        return _orders_for(self.request)


@extend_schema(
    tags=["orders"],
    summary="Cancel an order and release its seats",
    description=(
        "Buyers may cancel while payment is pending; admins and the event's managers may cancel a paid one "
        "(its payment is refunded through the payments app). Again → 200 unchanged."
    ),
    request=None,
    responses={200: OrderSerializer, **errors(e409="not_cancellable")},
)
class OrderCancelView(APIView):
    def post(self, request, pk):
        order = get_object_or_404(_orders_for(request), pk=pk)
        if permissions.holds(request.user, permissions.MANAGE, order.event_id):
            reason = Registration.CancelReason.STAFF
        elif order.user_id == request.user.pk:
            reason = Registration.CancelReason.USER
        else:
            raise PermissionDenied()
        services.cancel_order(order=order, reason=reason)
        return Response(OrderSerializer(_orders_for(request).get(pk=pk), context={"request": request}).data)


@extend_schema(
    tags=["orders"],
    summary="Price an order without buying it",
    description="The lines, the discount of the promo code and the total; checks the same rules as buying.",
    request=QuoteRequestSerializer,
    responses={200: QuoteSerializer, **ORDER_ERRORS},
)
class OrderQuoteView(APIView):
    def post(self, request):
        data = QuoteRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        quote = services.quote_order(
            event=values["event"], items=values["lines"], voucher_code=values["voucher"], user=request.user
        )
        return Response(QuoteSerializer(quote).data)


# --- Vouchers (admins, the event's managers) ------------------------------------------------


class VoucherSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=12, decimal_places=0, min_value=1)
    tickets = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Ticket.objects.all(),
        help_text="Ticket types it applies to; empty for all of the event's.",
    )
    uses_left = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Voucher
        fields = [
            "id", "code", "kind", "value", "tickets", "valid_from", "valid_until", "max_uses", "used", "uses_left",
            "is_active", "created_at",
        ]
        read_only_fields = ["id", "used", "uses_left", "created_at"]

    def validate_code(self, value):
        code = value.strip()
        event = self.context["event"]
        others = Voucher.objects.filter(event=event, code__iexact=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("This event already has this code."), code="unique")
        return code

    def validate_tickets(self, tickets):
        if any(t.event_id != self.context["event"].pk for t in tickets):
            raise serializers.ValidationError(_("Choose ticket types of this voucher's event."))
        return tickets

    def validate(self, data):
        kind = data.get("kind", getattr(self.instance, "kind", Voucher.Kind.PERCENT))
        value = data.get("value", getattr(self.instance, "value", None))
        if kind == Voucher.Kind.PERCENT and value is not None and value > 100:
            raise serializers.ValidationError({"value": [_("A percentage is at most 100.")]})
        start = data.get("valid_from", getattr(self.instance, "valid_from", None))
        end = data.get("valid_until", getattr(self.instance, "valid_until", None))
        if start and end and end <= start:
            raise serializers.ValidationError({"valid_until": [_("The code must stop being valid after it starts.")]})
        return data


class _EventVouchers:
    serializer_class = VoucherSerializer
    permission_classes = [permissions.ManagesEvents]

    def get_event(self) -> Event:
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(permissions.events_for(self.request.user, permissions.MANAGE),
                                            slug=self.kwargs["slug"])
        return self._event

    def get_queryset(self):
        return Voucher.objects.filter(event=self.get_event()).prefetch_related("tickets").order_by("code")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "event": self.get_event()}


@extend_schema_view(
    get=extend_schema(summary="An event's promo codes, with their use counts (admin, the event's managers)"),
    post=extend_schema(summary="Create a promo code", responses={201: VoucherSerializer, **errors(e400="invalid")}),
)
@extend_schema(tags=["vouchers"])
class VoucherListView(_EventVouchers, generics.ListCreateAPIView):
    def perform_create(self, serializer):
        serializer.save(event=self.get_event())


@extend_schema_view(
    get=extend_schema(summary="A promo code"),
    put=extend_schema(summary="Replace a promo code"),
    patch=extend_schema(summary="Change a promo code"),
    delete=extend_schema(summary="Delete a promo code no order used",
                         responses={204: None, **errors(e409="voucher_in_use")}),
)
@extend_schema(tags=["vouchers"])
class VoucherDetailView(_EventVouchers, generics.RetrieveUpdateDestroyAPIView):
    def perform_destroy(self, instance):
        if instance.orders.exists():
            raise services.RegistrationError(
                _("Orders used this promo code: switch it off instead of deleting it."), code="voucher_in_use"
            )
        instance.delete()


# --- Waiting lists ----------------------------------------------------------------------------


class WaitlistEntrySerializer(serializers.ModelSerializer):
    ticket_name = serializers.CharField(source="ticket.name", read_only=True)
    position = serializers.SerializerMethodField(help_text="Place in line while waiting, 1 for the first.")
    user_email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = WaitlistEntry
        fields = ["id", "event", "ticket", "ticket_name", "quantity", "status", "position", "offered_until",
                  "order", "created_at", "user_email"]
        read_only_fields = fields

    def get_position(self, entry) -> int | None:
        return services.waitlist.position(entry=entry) if entry.status == WaitlistEntry.Status.WAITING else None


class WaitlistJoinSerializer(serializers.Serializer):
    ticket = serializers.UUIDField(help_text="A sold-out ticket type of the event.")
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)


class WaitlistLeaveSerializer(serializers.Serializer):
    ticket = serializers.UUIDField(help_text="The ticket type whose list to leave.")


@extend_schema(tags=["waitlist"])
class WaitlistView(generics.ListAPIView):
    """An event's waiting lists: the caller's own entries; admins and the event's managers see everyone's."""

    serializer_class = WaitlistEntrySerializer

    def get_event(self) -> Event:
        return get_object_or_404(Event.objects.filter(is_active=True), slug=self.kwargs["slug"])

    def get_queryset(self):
        event = self.get_event()
        entries = WaitlistEntry.objects.filter(event=event).select_related("ticket", "user").order_by("created_at")
        if permissions.holds(self.request.user, permissions.MANAGE, event.pk):
            return entries
        return entries.filter(user=self.request.user)

    def _ticket(self, event, ticket_id) -> Ticket:
        ticket = Ticket.objects.filter(event=event, pk=ticket_id).select_related("event").first()
        if ticket is None:
            raise serializers.ValidationError({"ticket": [_("This event has no such ticket type.")]})
        return ticket

    @extend_schema(summary="Waiting lists of an event", description="Your own entries; the event's staff see all.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Join a sold-out ticket type's waiting list",
        description="201 with the entry (200 when already on the list: the quantity is updated while waiting).",
        request=WaitlistJoinSerializer,
        responses={200: WaitlistEntrySerializer, 201: WaitlistEntrySerializer,
                   **errors(e400="invalid", e409="seats_available, limit_exceeded")},
    )
    def post(self, request, slug):
        event = self.get_event()
        data = WaitlistJoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = self._ticket(event, data.validated_data["ticket"])
        existed = WaitlistEntry.objects.filter(
            user=request.user, ticket=ticket, status__in=WaitlistEntry.OPEN_STATUSES
        ).exists()
        entry = services.waitlist.join(user=request.user, ticket=ticket, quantity=data.validated_data["quantity"])
        return Response(WaitlistEntrySerializer(entry).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        summary="Leave a waiting list",
        description="`?ticket=<id>`. 204; seats held for you pass to the next in line.",
        parameters=[WaitlistLeaveSerializer],
        request=None,
        responses={204: None, **errors(e400="invalid")},
    )
    def delete(self, request, slug):
        event = self.get_event()
        data = WaitlistLeaveSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        services.waitlist.leave(user=request.user, ticket=self._ticket(event, data.validated_data["ticket"]))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("orders/", OrderListView.as_view(), name="api-orders"),
    path("orders/quote/", OrderQuoteView.as_view(), name="api-order-quote"),
    path("orders/<uuid:pk>/", OrderDetailView.as_view(), name="api-order"),
    path("orders/<uuid:pk>/cancel/", OrderCancelView.as_view(), name="api-order-cancel"),
    path("events/<slug:slug>/vouchers/", VoucherListView.as_view(), name="api-vouchers"),
    path("events/<slug:slug>/vouchers/<uuid:pk>/", VoucherDetailView.as_view(), name="api-voucher"),
    path("events/<slug:slug>/waitlist/", WaitlistView.as_view(), name="api-waitlist"),
]
