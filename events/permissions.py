"""Who may act on an event: the platform admin, and the event's team (DESIGN §4, issue 11).

Two capabilities, each a set of team roles:

- `MANAGE` (managers): edit the event and its ticket types, see and cancel its
  registrations, its files, stats, exports and audit log, add door staff;
- `DOOR` (managers and door staff): scan, the offline manifest, sync, attendee
  search and stats.

Admins (`role == "admin"`) hold every capability on every event. A staff
endpoint declares who may call it with a permission class (`ManagesEvents`,
`WorksDoor`) — the class-level check: "has the capability on some event",
else 403 — and reads through `scope()`/`events_for()`, so another event's
objects are simply not there (404). Every staff endpoint has an entry in the
permission table, eventhub/tests/test_permissions.py.
"""

import uuid

from django.db.models import QuerySet
from rest_framework.permissions import BasePermission

from accounts import twofactor

from .models import Event, EventMember

Role = EventMember.Role

MANAGE = frozenset({Role.MANAGER})
DOOR = frozenset({Role.MANAGER, Role.DOOR})


def is_admin(user) -> bool:
    """Return whether `user` is an active platform admin."""
    return bool(user is not None and user.is_authenticated and user.is_active and getattr(user, "is_admin", False))


def event_roles(user) -> dict[uuid.UUID, str]:
    """Return `{event id: role}` of the user's team memberships (one query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    if getattr(user, "otp_pending", False):
        return {}  # a staff account owing its second factor (accounts/twofactor.py)
    cached = getattr(user, "_event_roles", None)
    if cached is None:
        cached = dict(EventMember.objects.filter(user_id=user.pk).values_list("event_id", "role"))
        # Kept on the user object: for one request, or for the door's cached users (JWTAuthentication
        # user_ttl) as long as that cache keeps them, so a gate pays one query per user every few seconds.
        user._event_roles = cached
    return cached


def event_ids(user, capability: frozenset) -> set[uuid.UUID] | None:
    """Return the ids of the events on which `user` holds `capability`; None means every event (admins)."""
    if is_admin(user):
        return None
    return {event_id for event_id, role in event_roles(user).items() if role in capability}


def holds(user, capability: frozenset, event_id=None) -> bool:
    """Return whether `user` holds `capability` on event `event_id` (None: on at least one event)."""
    ids = event_ids(user, capability)
    if ids is None:
        return True
    if event_id is None:
        return bool(ids)
    try:
        return uuid.UUID(str(event_id)) in ids
    except ValueError:
        return False


def scope(queryset: QuerySet, user, capability: frozenset, *, path: str = "event") -> QuerySet:
    """Narrow `queryset` to the rows whose event (reached by the lookup `path`) `user` holds `capability` on."""
    ids = event_ids(user, capability)
    if ids is None:
        return queryset
    if path == "pk":
        return queryset.filter(pk__in=ids)
    return queryset.filter(**{f"{path}__in": ids})


def events_for(user, capability: frozenset) -> QuerySet:
    """Return the events on which `user` holds `capability`."""
    return scope(Event.objects.all(), user, capability, path="pk")


class _Holds(BasePermission):
    capability: frozenset = frozenset()

    def has_permission(self, request, view) -> bool:
        if holds(request.user, self.capability):
            return True
        twofactor.refuse_pending(request)
        return False


class ManagesEvents(_Holds):
    """Admins, and managers of at least one event; the view scopes its objects with `scope(…, MANAGE)`."""

    capability = MANAGE


class WorksDoor(_Holds):
    """Admins, managers and door staff of at least one event; the view scopes with `scope(…, DOOR)`."""

    capability = DOOR


def listed_roles(user) -> list[dict]:
    """Return the user's team roles as `auth/me/` lists them, soonest event first."""
    members = EventMember.objects.filter(user_id=user.pk).select_related("event").order_by("event__event_date")
    return [
        {
            "event": member.event_id, "slug": member.event.slug, "title": member.event.title,
            "event_date": member.event.event_date, "timezone": member.event.timezone, "role": member.role,
        }
        for member in members
    ]
