"""The waiting room's writes and reads outside the hot path: settings into the store, sold-out, staff changes."""

import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from events.models import Event, Ticket

from .models import WaitingRoom
from .store import STORE_ERRORS, Room, get_store

logger = logging.getLogger(__name__)

# How long the store remembers that a slug names no event (then asks the database again).
UNKNOWN_SLUG_SECONDS = 60
# How long the store keeps a room's keys after its event (or after it was switched off), and at the least.
KEEP_SECONDS = 7 * 24 * 3600
MIN_KEEP_SECONDS = 3600


def pass_seconds() -> int:
    return settings.WAITING_ROOM_PASS_MINUTES * 60


def is_sold_out(*, event_id) -> bool:
    """Return whether every ticket type of the event is sold out (False when it has none)."""
    tickets = Ticket.objects.filter(event_id=event_id)
    return tickets.exists() and not tickets.filter(sold__lt=F("quota")).exists()


def keys_expire_at(event: Event, waiting_room: WaitingRoom | None, *, now: float) -> float:
    """Return when the store may drop an event's room: `KEEP_SECONDS` after the event, or after it was switched off.

    A room that is on keeps its queue until `KEEP_SECONDS` after the later of the
    event and the opening, so no live queue ever expires; one that is off (or
    none) keeps it that long after the last save, or after the event if sooner.
    Never sooner than `MIN_KEEP_SECONDS` from now, so the settings of a past
    event are not asked of the database on every visit.
    """
    if waiting_room is not None and waiting_room.enabled:
        until = max(event.event_date.timestamp(), waiting_room.opens_at.timestamp()) + KEEP_SECONDS
    else:
        until = min(now, event.event_date.timestamp()) + KEEP_SECONDS
    return max(until, now + MIN_KEEP_SECONDS)


def room_of(event: Event, waiting_room: WaitingRoom | None, *, sold_out: bool | None = None) -> Room:
    """Return the store's view of an event and its room (no room: off)."""
    expires_at = keys_expire_at(event, waiting_room, now=time.time())
    if waiting_room is None:
        return Room(event_id=str(event.pk), active=event.is_active, expires_at=expires_at)
    if sold_out is None:
        sold_out = waiting_room.enabled and is_sold_out(event_id=event.pk)
    return Room(
        event_id=str(event.pk), active=event.is_active, enabled=waiting_room.enabled,
        opens_at=waiting_room.opens_at.timestamp(), rate=waiting_room.rate_per_minute, paused=waiting_room.paused,
        sold_out=sold_out, expires_at=expires_at,
    )


def read_room(*, slug: str) -> Room | None:
    """Return an event's room as the database has it, None when no event has this slug."""
    event = Event.objects.select_related("waiting_room").filter(slug=slug).first()
    if event is None:
        return None
    return room_of(event, getattr(event, "waiting_room", None))


def sync_room(*, slug: str) -> Room:
    """Write the event's room settings from the database into the store; return them."""
    room = read_room(slug=slug)
    if room is None:
        room = Room(event_id="")
        get_store().put_room(slug, room, ttl=UNKNOWN_SLUG_SECONDS)
    else:
        get_store().put_room(slug, room)
    return room


def push_room(*, event: Event, waiting_room: WaitingRoom | None) -> None:
    """Write settings just saved into the store, so every process sees them on its next visit."""
    try:
        get_store().put_room(event.slug, room_of(event, waiting_room))
    except STORE_ERRORS:  # a store that is down must not fail the save; visits reload from the database
        logger.warning("Waiting room: could not write the settings of %s to the store", event.slug, exc_info=True)


def forget_slug(*, slug: str) -> None:
    """Record that `slug` names no event any more (a deleted event)."""
    try:
        get_store().put_room(slug, Room(event_id=""), ttl=UNKNOWN_SLUG_SECONDS)
    except STORE_ERRORS:
        logger.warning("Waiting room: could not forget %s in the store", slug, exc_info=True)


def room_for(*, slug: str) -> Room:
    """Return the settings of the room at `slug` from the store, loading them once from the database."""
    room = get_store().room(slug)
    if room is None:
        room = sync_room(slug=slug)
    return room


def refresh_sold_out(*, event_id, slug: str) -> bool:
    """Tell the store whether the event is sold out now; return it."""
    sold_out = is_sold_out(event_id=event_id)
    get_store().set_sold_out(slug, sold_out)
    return sold_out


def refresh_all() -> int:
    """Refresh the sold-out state of every room that is on (the scheduler's job); return how many."""
    rooms = WaitingRoom.objects.filter(enabled=True).select_related("event")
    count = 0
    for waiting_room in rooms:
        get_store().put_room(waiting_room.event.slug, room_of(waiting_room.event, waiting_room))
        count += 1
    return count


def configure(*, event: Event, changes: dict) -> WaitingRoom:
    """Create or change the event's waiting room with `changes` (enabled, opens_at, rate_per_minute, paused)."""
    with transaction.atomic():
        waiting_room, _created = WaitingRoom.objects.select_for_update().get_or_create(event=event)
        for name, value in changes.items():
            setattr(waiting_room, name, value)
        waiting_room.full_clean(exclude=["event"])
        waiting_room.save()
    return waiting_room


def stats(*, event: Event) -> dict[str, int]:
    """Return `{waiting, admitted, buying, sold}`: the queue from the store, seats taken from the database."""
    found = get_store().stats(str(event.pk), now=time.time(), pass_seconds=pass_seconds())
    found["sold"] = seats_taken(event=event)
    return found


def seats_taken(*, event: Event) -> int:
    """Return the seats held (pending and paid) across the event's ticket types."""
    return Ticket.objects.filter(event=event).aggregate(sold=Sum("sold"))["sold"] or 0


def unsaved(event: Event) -> WaitingRoom:
    """Return the settings an event without a room would start from (not saved)."""
    return WaitingRoom(event=event, enabled=False, opens_at=timezone.now(), rate_per_minute=100, paused=False)
