"""API v1: registrations — buy (the reservation service), list, cancel, and the QR ticket image (DESIGN §4).

A user sees only their own registrations; anything else is 404, never 403, so
ids cannot be probed. Admins see all and filter by event, status and email;
an event's team (managers and door staff) also sees that event's (its list
with `?event=`), and its managers cancel them (events.permissions).
"""

import functools
import threading
import uuid

from django.db import connection
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, renderers, serializers, status
from rest_framework.exceptions import AuthenticationFailed, NotFound, ParseError, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts.authentication import JWTAuthentication, read_with_account, remember_validated_token
from audit import services as audit
from events import permissions, soldout
from events.models import Event, Ticket
from eventhub import openapi
from eventhub.openapi import errors

from . import hooks, qr, services, tickets_pdf
from .models import Registration
from .wsgi import NOT_REFUSED


class RegistrationSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=0, read_only=True)
    qr_code = serializers.SerializerMethodField(help_text="The signed ticket code, once paid.")
    qr_image_url = serializers.SerializerMethodField(help_text="The ticket's QR image (PNG), once paid.")
    ticket_pdf_url = serializers.SerializerMethodField(help_text="The printable ticket (PDF), once paid.")
    event_title = serializers.CharField(source="event.title", read_only=True)
    event_slug = serializers.CharField(source="event.slug", read_only=True)
    event_date = serializers.DateTimeField(source="event.event_date", read_only=True)
    event_location = serializers.CharField(source="event.location", read_only=True)
    event_timezone = serializers.CharField(
        source="event.timezone", read_only=True, help_text="The event's time zone: show its times in it (WIB, WITA, WIT)."
    )
    ticket_name = serializers.CharField(source="ticket.name", read_only=True)
    checked_in_at = serializers.DateTimeField(
        source="checkin.checked_in_at", read_only=True, allow_null=True, help_text="When the ticket was used at the door, or null."
    )
    cancel_reason = serializers.ChoiceField(
        choices=Registration.CancelReason.choices, allow_blank=True, read_only=True, help_text="Empty unless cancelled."
    )
    user = serializers.UUIDField(source="user_id", read_only=True)
    user_email = serializers.EmailField(source="user.email", read_only=True)
    user_full_name = serializers.CharField(source="user.full_name", read_only=True)
    order = serializers.UUIDField(source="order_id", read_only=True, help_text="The order this ticket belongs to.")
    attendee_name = serializers.CharField(source="holder_name", read_only=True,
                                          help_text="Who the ticket admits (the buyer's name by default).")
    attendee_email = serializers.EmailField(source="holder_email", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id", "event", "ticket", "status", "amount", "qr_code", "qr_image_url", "ticket_pdf_url", "payment_ref", "paid_at",
            "created_at", "expires_at", "cancelled_at", "cancel_reason",
            "event_title", "event_slug", "event_date", "event_location", "event_timezone", "ticket_name", "checked_in_at",
            "user", "user_email", "user_full_name",
            "order", "attendee_name", "attendee_email",
        ]
        read_only_fields = fields

    def get_qr_code(self, registration) -> str | None:
        return registration.qr_code if registration.status == Registration.Status.PAID else None

    def get_qr_image_url(self, registration) -> str | None:
        return self._paid_url(registration, "api-registration-qr")

    def get_ticket_pdf_url(self, registration) -> str | None:
        return self._paid_url(registration, "api-registration-ticket-pdf")

    def _paid_url(self, registration, name: str) -> str | None:
        if registration.status != Registration.Status.PAID:
            return None
        url = reverse(name, kwargs={"pk": registration.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


_built = threading.local()


def represent_created(registration: Registration, request) -> dict:
    """Return `RegistrationSerializer(registration).data`, from a serializer whose fields each thread builds once.

    Building a ModelSerializer's 27 fields costs fifteen times what representing
    a registration with them does (3 ms against 0.2 under load): most of a
    flash sale's 201 besides the purchase itself.
    """
    serializer = getattr(_built, "serializer", None)
    if serializer is None:
        serializer = _built.serializer = RegistrationSerializer()
        serializer.fields  # noqa: B018 - built now, kept for the thread's next answers
    serializer._context = {"request": request}  # what the fields read through `context`
    try:
        return serializer.to_representation(registration)
    finally:
        serializer._context = {}


class RegistrationCreateSerializer(serializers.Serializer):
    ticket = serializers.PrimaryKeyRelatedField(
        queryset=Ticket.objects.select_related("event"), help_text="The id of the ticket type to buy."
    )


class RegistrationFilterSerializer(serializers.Serializer):
    event = serializers.UUIDField(required=False, help_text="An event id.")
    status = serializers.ChoiceField(choices=Registration.Status.choices, required=False)
    search = serializers.CharField(
        required=False,
        help_text="Staff (admins; an event's team with `event`): part of the attendee's (or the buyer's) email address or name.",
    )
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only your own, whatever your staff roles (an admin's \"my tickets\")."
    )


def _named_ticket_id(data) -> uuid.UUID | None:
    """Return the id a well-formed `{ticket}` names, or None."""
    value = data.get("ticket") if isinstance(data, dict) else None
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _known_sold_out(request) -> bool:
    """Return whether a bearer of a valid access token asks for a ticket type the sold-out board refuses them.

    Decided from the signed token alone: no database round trip. A token
    whose account was deactivated since is refused as sold out rather than
    as `user_inactive` until it expires, which tells its bearer nothing the
    event page does not.
    """
    if jwt_settings.CHECK_REVOKE_TOKEN:
        return False
    authentication = JWTAuthentication()
    header = authentication.get_header(request)
    raw = authentication.get_raw_token(header) if header else None
    if raw is None:
        return False
    try:
        token = authentication.get_validated_token(raw)
        remember_validated_token(request, raw, token)  # authenticating the request later does not decode it again
        user_id = token[jwt_settings.USER_ID_CLAIM]
        ticket_id = _named_ticket_id(request.data)
    except (AuthenticationFailed, KeyError, ParseError):
        return False  # the usual path says what is wrong
    if ticket_id is None or request.META.get(NOT_REFUSED) == (raw, ticket_id):
        return False  # the board did not refuse this buyer a moment ago (registrations.wsgi)
    return soldout.refuses(ticket_id, user_id)


def _read_with_buyer(request) -> None:
    """Read the ticket type a purchase names in the round trip that reads the buyer's account (PostgreSQL)."""
    named = []

    def statement():
        named.append(_named_ticket_id(request.data))  # the bearer's token is valid: the body was read already
        return None if named[0] is None else (_ticket_query()[0], [named[0]])

    rows = read_with_account(request, statement)
    if rows is not None:
        request._ticket_read = (named[0], rows[0] if rows else None)


def _named_ticket(request) -> Ticket | None:
    """Return the ticket type (with its event) a well-formed `{ticket}` names, or None.

    By hand: on a flash sale's hot path a serializer and an ORM query compiled
    per request cost more than the rest of a refusal. Read with the buyer's
    account when it was (`_read_with_buyer`).
    """
    ticket_id = _named_ticket_id(request.data)
    if ticket_id is None:
        return None
    if connection.vendor != "postgresql":  # elsewhere values may need Django's converters
        return Ticket.objects.select_related("event").filter(pk=ticket_id).first()
    sql, ticket_fields, event_fields = _ticket_query()
    known = getattr(request, "_ticket_read", None)
    if known is not None and known[0] == ticket_id:
        row = known[1]
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, [ticket_id])
            row = cursor.fetchone()
    if row is None:
        return None
    ticket = Ticket.from_db(connection.alias, ticket_fields, row[: len(ticket_fields)])
    ticket.event = Event.from_db(connection.alias, event_fields, row[len(ticket_fields) :])
    return ticket


@functools.cache
def _ticket_query() -> tuple[str, list[str], list[str]]:
    """Return the SQL reading a ticket type and its event in one row, and the field names of each part."""
    ticket, event = Ticket._meta.concrete_fields, Event._meta.concrete_fields
    columns = [f"t.{f.column}" for f in ticket] + [f"e.{f.column}" for f in event]
    sql = (
        f"SELECT {', '.join(columns)} FROM {Ticket._meta.db_table} t"
        f" JOIN {Event._meta.db_table} e ON e.id = t.event_id WHERE t.id = %s"
    )
    return sql, [f.attname for f in ticket], [f.attname for f in event]


def _registrations_for(request, capability=permissions.DOOR):
    """Registrations `request` may see: one's own, and those of the events one holds `capability` on."""
    registrations = Registration.objects.select_related("event", "ticket", "user", "checkin")
    ids = permissions.event_ids(request.user, capability)
    if ids is None:
        return registrations
    if not ids:
        return registrations.filter(user=request.user)
    return registrations.filter(Q(user=request.user) | Q(event_id__in=ids))


def _shown_registrations(request, *, staff: bool = True):
    """Return the registrations a reader may see, after releasing their holds whose payment window ran out.

    `staff=False`: only the reader's own, whatever their team roles.
    """
    staff = staff and permissions.holds(request.user, permissions.DOOR)
    # Staff read others' registrations too: release every stale hold, not only the reader's.
    if not openapi.describing(request):
        services.expire_stale(user=None if staff else request.user)
    if not staff:
        return Registration.objects.select_related("event", "ticket", "user", "checkin").filter(user=request.user)
    return _registrations_for(request)


def _lists_as_staff(request, event_id) -> bool:
    """Return whether a list is a staff view: an admin's, or one naming an event the reader works (DOOR).

    Anyone else's list, and a team member's without `?event=` of their event, is their own tickets
    as an attendee: a volunteer's "my tickets" never shows the attendees of the event they scan.
    """
    if permissions.is_admin(request.user):
        return True
    return event_id is not None and permissions.holds(request.user, permissions.DOOR, event_id)


@extend_schema_view(
    get=extend_schema(
        summary="List registrations",
        description=(
            "Your own tickets; admins see everyone's. An event's team (managers, door staff) lists that event's "
            "with `?event=<its id>`; without it, a team member gets their own tickets only."
        ),
        parameters=[RegistrationFilterSerializer],
    ),
    post=extend_schema(
        summary="Buy a ticket",
        description="201 with a pending registration (paid at once when the ticket is free).",
        request=RegistrationCreateSerializer,
        responses={201: RegistrationSerializer, **errors(e400="invalid", e403="waiting_room",
                                                          e409="sold_out, already_registered, sales_closed")},
    ),
)
@extend_schema(tags=["registrations"])
class RegistrationListView(generics.ListCreateAPIView):
    serializer_class = RegistrationSerializer

    def perform_authentication(self, request):
        # Most buyers of a flash sale are refused: once a ticket type is known to be sold out, before
        # the account is read from the database.
        if request.method == "POST":
            if _known_sold_out(request):
                raise services.sold_out()
            _read_with_buyer(request)  # a sale's first round trip: the account and the ticket type
        super().perform_authentication(request)

    def get_queryset(self):
        params = RegistrationFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        staff = not filters.get("mine") and _lists_as_staff(self.request, filters.get("event"))
        registrations = _shown_registrations(self.request, staff=staff).order_by("-created_at", "id")
        if filters.get("event"):
            registrations = registrations.filter(event_id=filters["event"])
        if filters.get("status"):
            registrations = registrations.filter(status=filters["status"])
        if filters.get("search") and staff:
            term = filters["search"]
            # A ticket of an order admits its attendee: the door looks for them, not only the buyer.
            registrations = registrations.filter(
                Q(attendee_name__icontains=term) | Q(attendee_email__icontains=term)
                | Q(user__email__icontains=term) | Q(user__full_name__icontains=term)
            )
        return registrations

    def create(self, request, *args, **kwargs):
        ticket = _named_ticket(request)
        if ticket is None:  # let the serializer say what is wrong
            serializer = RegistrationCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            ticket = serializer.validated_data["ticket"]
        refusal = hooks.admission_refusal(request, ticket.event)
        if refusal is not None:
            return refusal
        registration = services.reserve(ticket=ticket, user=request.user)
        registration.event = ticket.event  # already loaded with the ticket: no query to serialize it
        Registration.checkin.related.set_cached_value(registration, None)  # new: not used at the door yet
        return Response(represent_created(registration, request), status=status.HTTP_201_CREATED)


@extend_schema(tags=["registrations"], summary="A registration")
class RegistrationDetailView(generics.RetrieveAPIView):
    serializer_class = RegistrationSerializer

    def get_queryset(self):
        return _shown_registrations(self.request)


@extend_schema(
    tags=["registrations"],
    summary="Cancel a registration and release its seat",
    description=(
        "Owners may cancel while payment is pending; admins and the event's managers may cancel a paid one too "
        "(reason `staff`); door staff may not (403). "
        "Cancelling again answers 200 with the registration unchanged."
    ),
    request=None,
    responses={200: RegistrationSerializer, **errors(e409="not_cancellable")},
)
class RegistrationCancelView(APIView):
    def post(self, request, pk):
        registration = get_object_or_404(_registrations_for(request), pk=pk)
        if permissions.holds(request.user, permissions.MANAGE, registration.event_id):
            reason = Registration.CancelReason.STAFF
        elif registration.user_id == request.user.pk:
            reason = Registration.CancelReason.USER
        else:
            raise PermissionDenied(_("Door staff cannot cancel registrations."))
        before = registration.status
        services.cancel(registration=registration, reason=reason)
        registration = _registrations_for(request).get(pk=pk)
        if reason == Registration.CancelReason.STAFF and registration.status != before:
            audit.record(request, "registration.cancel", registration, {"status": [before, registration.status]})
        return Response(RegistrationSerializer(registration, context={"request": request}).data)


class PNGRenderer(renderers.BaseRenderer):
    media_type = "image/png"
    format = "png"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PDFRenderer(PNGRenderer):
    media_type = "application/pdf"
    format = "pdf"


@extend_schema(
    tags=["registrations"],
    summary="The QR ticket image (PNG)",
    description="For the owner (bearer token or site session), admins and the event's team, once it is paid.",
    responses={(200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="The QR code as PNG.")},
)
class RegistrationQRView(APIView):
    renderer_classes = [renderers.JSONRenderer, PNGRenderer]

    def get(self, request, pk):
        registration = self.paid_registration(request, pk)
        response = HttpResponse(qr.render_png(registration.qr_code), content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    def paid_registration(self, request, pk) -> Registration:
        """Return the visible registration `pk` if it is paid (only a paid one has a ticket), else 404."""
        registration = get_object_or_404(_registrations_for(request), pk=pk)
        if registration.status != Registration.Status.PAID:
            raise NotFound(_("This registration has no ticket yet: it is not paid."))
        return registration

    def handle_exception(self, exc):
        # Errors are JSON even when the client asked for an image.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)


@extend_schema(
    tags=["registrations"],
    summary="The printable ticket (PDF)",
    description="One A4 page with the QR code, event, attendee and ticket type; for the owner and admins, once paid.",
    responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The ticket as PDF.")},
)
class RegistrationTicketPDFView(RegistrationQRView):
    renderer_classes = [renderers.JSONRenderer, PDFRenderer]

    def get(self, request, pk):
        registration = self.paid_registration(request, pk)
        response = HttpResponse(tickets_pdf.render([registration]), content_type=tickets_pdf.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{tickets_pdf.filename(registration)}"'
        response["Cache-Control"] = "private, max-age=300"
        return response


urlpatterns = [
    path("registrations/", RegistrationListView.as_view(), name="api-registrations"),
    path("registrations/<uuid:pk>/", RegistrationDetailView.as_view(), name="api-registration"),
    path("registrations/<uuid:pk>/cancel/", RegistrationCancelView.as_view(), name="api-registration-cancel"),
    path("registrations/<uuid:pk>/qr.png", RegistrationQRView.as_view(), name="api-registration-qr"),
    path("registrations/<uuid:pk>/ticket.pdf", RegistrationTicketPDFView.as_view(), name="api-registration-ticket-pdf"),
]
