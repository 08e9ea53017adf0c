"""API v1 routes of the waiting room (CONTRACTS: waiting room), included by eventhub/api.py.

`POST waiting-room/<slug>/join/` and `GET waiting-room/<slug>/` are the hot
path of an on-sale: every visitor polls every few seconds. They read the
store only — the bearer token is verified by its signature alone (no user
lookup) and the room's settings come from the store — so they run no SQL.
Staff read and change a room at `events/<slug>/waiting-room/`.
"""

import datetime
import functools
import math
import time
import uuid

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.settings import api_settings

from accounts.authentication import JWTAuthentication, JWTScheme
from audit import services as audit
from eventhub.base import in_service_years
from eventhub.openapi import errors
from events import permissions

from . import gate, passes, services, visitors
from .models import MAX_RATE_PER_MINUTE
from .store import STORE_ERRORS, Visit, get_store

STATES = ["before_open", "waiting", "admitted", "sold_out", "paused", "off"]


class StatelessJWTAuthentication(JWTAuthentication):
    """A bearer access token checked by its signature and expiry alone: the user is the token's claim.

    For the queue's hot path, where thousands poll every few seconds: no query
    to load the user. An account deactivated since the token was issued may
    keep its place for the token's lifetime, but buying checks the account.
    """

    def get_user(self, validated_token):
        return TokenUser(validated_token)


class StatelessJWTScheme(JWTScheme):
    """The same bearer access token as everywhere; only the server's check differs (no user lookup)."""

    target_class = "waitingroom.api.StatelessJWTAuthentication"
    name = "jwtAuthStateless"


class VisitorAuthentication(BaseAuthentication):
    """The site queue page's visitor token (waitingroom/visitors.py) in `X-Waiting-Room-Visitor`: no query.

    A token that is not valid for this user and this event's queue authenticates
    nobody, and the session may still vouch (an answer to it brings a fresh token).
    """

    def authenticate(self, request):
        token = request.META.get(visitors.META)
        slug = (request.parser_context or {}).get("kwargs", {}).get("slug")
        if not token or not slug:
            return None
        try:
            visitor = visitors.authenticate(token, slug=slug, now=time.time())
        except STORE_ERRORS:
            return None
        if visitor is None:
            return None
        return TokenUser({api_settings.USER_ID_CLAIM: str(visitor.user_id)}), visitor


class VisitorScheme(OpenApiAuthenticationExtension):
    target_class = "waitingroom.api.VisitorAuthentication"
    name = "waitingRoomVisitor"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": visitors.HEADER,
            "description": "The site queue page's token for one user in one event's queue (rendered into the page); "
                           "answers may bring a fresh one in the same header: send that from then on.",
        }


# Built with type(): one field is called `pass`, a Python keyword.
QueueSerializer = type("WaitingRoomQueueSerializer", (serializers.Serializer,), {
    "state": serializers.ChoiceField(
        choices=STATES,
        help_text="`before_open`: in line, places are drawn at random at the opening; `waiting`; `admitted`: "
                  "buy with `pass`; `sold_out`: nothing left to wait for; `paused` by staff; `off`: no queue, buy as usual.",
    ),
    "position": serializers.IntegerField(
        allow_null=True, help_text="Place in line, from 1 (before the opening: as drawn so far)."
    ),
    "ahead": serializers.IntegerField(allow_null=True, help_text="People ahead not let through yet."),
    "estimated_wait_seconds": serializers.IntegerField(allow_null=True),
    "opens_at": serializers.DateTimeField(allow_null=True),
    "poll_after_seconds": serializers.IntegerField(help_text="Ask again after this long."),
    "pass": serializers.CharField(
        allow_null=True, help_text="The admission pass: send it as the X-Waiting-Room-Pass header to buy."
    ),
    "pass_expires_at": serializers.DateTimeField(allow_null=True),
    "event": serializers.SlugField(),
    "__module__": __name__,
})


def _moment(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return _local_iso(seconds, timezone.get_current_timezone())


@functools.lru_cache(maxsize=256)
def _local_iso(seconds: float, zone) -> str:
    # Every poll names the room's opening: the same moment in the same zone each time.
    return timezone.localtime(datetime.datetime.fromtimestamp(seconds, datetime.UTC), zone).isoformat()


def answer(visit: Visit, *, slug: str, user_id, now: float) -> dict:
    """Return the queue answer (CONTRACTS) for one visit."""
    state = visit.state
    position = ahead = wait = None
    token = expires = None
    if visit.rank is not None and state != "off":
        position = visit.rank + 1
        ahead = 0 if state == "admitted" else max(0, visit.rank - visit.cursor)
    if state == "admitted":
        wait = 0
        expires = (visit.admitted_at or now) + services.pass_seconds()
        if expires > now:
            token = passes.issue(event_id=visit.event_id, user_id=user_id, expires=int(expires))
            expires = int(expires)
    elif state == "waiting":
        wait = math.ceil((ahead + 1) * 60 / visit.rate)
    elif state == "before_open":
        wait = math.ceil(max(0.0, visit.opens_at - now) + (ahead + 1) * 60 / visit.rate)
    poll = {"waiting": 2, "paused": 5}.get(state, 30)
    if state == "before_open":
        poll = int(min(30, max(2, (visit.opens_at - now) / 2)))
    return {
        "state": state, "position": position, "ahead": ahead, "estimated_wait_seconds": wait,
        "opens_at": _moment(visit.opens_at) if visit.opens_at else None, "poll_after_seconds": poll,
        "pass": token, "pass_expires_at": _moment(expires) if expires is not None else None, "event": slug,
    }


def _unavailable() -> Response:
    response = Response(
        {"code": "queue_unavailable", "detail": _("The queue is briefly unavailable. Please try again.")}, status=503
    )
    response["Retry-After"] = "5"
    return response


def _visit(request, slug: str, *, join: bool) -> Response:
    store = get_store()
    user_id = uuid.UUID(str(request.user.pk))
    now = time.time()
    try:
        requeue = services.pass_seconds() if join else None  # a pass run out: joining again goes to the back
        visit = store.visit(slug, str(user_id), now=now, join=join, requeue_after=requeue)
        if visit.state == "unknown":  # settings not in the store yet (a new store): load them once
            services.sync_room(slug=slug)
            visit = store.visit(slug, str(user_id), now=now, join=join, requeue_after=requeue)
    except STORE_ERRORS:
        return _unavailable()
    if visit.state in ("not_found", "unknown"):
        return Response({"code": "not_found", "detail": _("Not found.")}, status=404)
    if visit.state == "not_in_queue":
        return Response(
            {"code": "not_in_queue", "detail": _("You are not in this queue: join it first.")}, status=404
        )
    body = answer(visit, slug=slug, user_id=user_id, now=now)
    response = Response(body)
    set_pass_cookie(response, visit, token=body["pass"], now=now)
    renewed = _visitor_token(request, slug=slug, now=now)
    if renewed:
        response[visitors.HEADER] = renewed
    return response


def _visitor_token(request, *, slug: str, now: float) -> str | None:
    """Return the visitor token to answer with: renewed when due, fresh for a session (the site's page), else None."""
    if isinstance(request.auth, visitors.Visitor):
        return request.auth.renewed
    if isinstance(request.successful_authenticator, SessionAuthentication):
        return visitors.issue_for_session(request, slug=slug, now=now)
    return None


def set_pass_cookie(response, visit: Visit, *, token: str | None, now: float) -> None:
    """Set the pass cookie the site's pages read (the PWA sends the header) on an admitted visitor's answer."""
    if token:
        response.set_cookie(
            gate.cookie_name(visit.event_id), token,
            max_age=max(1, int(visit.admitted_at + services.pass_seconds() - now)),
            secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
        )


RENEWED_VISITOR = OpenApiParameter(
    visitors.HEADER, str, OpenApiParameter.HEADER, response=[200],
    description="A fresh visitor token for the site's queue page: sent when the request carried one with less "
                "than half its life left, or came with the session. Send it in the same request header from then on.",
)

QUEUE_ERRORS = errors(e404="not_found, not_in_queue", e503="queue_unavailable")


class _QueueView(APIView):
    authentication_classes = [StatelessJWTAuthentication, VisitorAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


class WaitingRoomJoinView(_QueueView):
    @extend_schema(
        tags=["waiting room"], summary="Join an event's waiting room",
        description="Takes a place in line (once per account: joining again answers the same place) and answers "
                    "where you stand. When admitted, `pass` lets you buy until `pass_expires_at`; once it has run "
                    "out (`admitted` with `pass` null), joining again takes a new place at the back of the line.",
        request=None, responses={200: QueueSerializer, **errors(e404="not_found", e503="queue_unavailable")},
        parameters=[RENEWED_VISITOR],
    )
    def post(self, request, slug):
        return _visit(request, slug, join=True)


class WaitingRoomView(_QueueView):
    @extend_schema(
        tags=["waiting room"], summary="Where you stand in an event's waiting room",
        description="Poll every `poll_after_seconds`. 404 `not_in_queue` before joining.",
        responses={200: QueueSerializer, **QUEUE_ERRORS}, parameters=[RENEWED_VISITOR],
    )
    def get(self, request, slug):
        return _visit(request, slug, join=False)


# --- Staff -------------------------------------------------------------------------


class RoomStatsSerializer(serializers.Serializer):
    waiting = serializers.IntegerField(help_text="In line, not let through yet.")
    admitted = serializers.IntegerField(help_text="Let through since the opening.")
    buying = serializers.IntegerField(help_text="Let through and holding a pass that has not expired.")
    sold = serializers.IntegerField(help_text="Seats taken (pending and paid) across the event's ticket types.")


class WaitingRoomSettingsSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(required=False, help_text="While on, buying needs a pass from the queue.")
    opens_at = serializers.DateTimeField(
        required=False, validators=[in_service_years],
        help_text="Joiners before it get random places; after it, first come first served.",
    )
    rate_per_minute = serializers.IntegerField(required=False, min_value=1, max_value=MAX_RATE_PER_MINUTE)
    paused = serializers.BooleanField(required=False, help_text="Let nobody else through until resumed.")


class WaitingRoomSerializer(WaitingRoomSettingsSerializer):
    stats = RoomStatsSerializer(read_only=True)


def _room_answer(event, waiting_room) -> dict:
    try:
        found = services.stats(event=event)
    except STORE_ERRORS:
        found = {"waiting": 0, "admitted": 0, "buying": 0, "sold": services.seats_taken(event=event)}
    return {
        "enabled": waiting_room.enabled, "opens_at": waiting_room.opens_at, "rate_per_minute": waiting_room.rate_per_minute,
        "paused": waiting_room.paused, "stats": found,
    }


class EventWaitingRoomView(APIView):
    permission_classes = [permissions.ManagesEvents]

    def _event(self, request, slug):
        return get_object_or_404(permissions.events_for(request.user, permissions.MANAGE), slug=slug)

    @extend_schema(
        tags=["waiting room"], summary="An event's waiting room with its live figures",
        description="For admins and the event's managers. An event without a room answers the settings it would start from.",
        responses={200: WaitingRoomSerializer},
    )
    def get(self, request, slug):
        event = self._event(request, slug)
        waiting_room = getattr(event, "waiting_room", None) or services.unsaved(event)
        return Response(WaitingRoomSerializer(_room_answer(event, waiting_room)).data)

    @extend_schema(
        tags=["waiting room"], summary="Switch an event's waiting room on or off, pause it, change its rate",
        request=WaitingRoomSettingsSerializer, responses={200: WaitingRoomSerializer},
    )
    def patch(self, request, slug):
        event = self._event(request, slug)
        data = WaitingRoomSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        before = getattr(event, "waiting_room", None)
        if not data.validated_data:  # nothing to change: neither a new room nor an audit entry
            return Response(WaitingRoomSerializer(_room_answer(event, before or services.unsaved(event))).data)
        changes = audit.diff(before, data.validated_data) if before else audit.plain(data.validated_data)
        waiting_room = services.configure(event=event, changes=data.validated_data)
        if changes or before is None:
            audit.record(request, "waiting_room.add" if before is None else "waiting_room.change", waiting_room, changes)
        return Response(WaitingRoomSerializer(_room_answer(event, waiting_room)).data)


urlpatterns = [
    path("waiting-room/<slug:slug>/join/", WaitingRoomJoinView.as_view(), name="api-waiting-room-join"),
    path("waiting-room/<slug:slug>/", WaitingRoomView.as_view(), name="api-waiting-room"),
    path("events/<slug:slug>/waiting-room/", EventWaitingRoomView.as_view(), name="api-event-waiting-room"),
]
