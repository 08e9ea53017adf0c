"""The gate in front of an event's buying endpoints (CONTRACTS: waiting room).

While the event's room is on, a buyer needs a valid admission pass: the
`X-Waiting-Room-Pass` header (API) or the `eh_wr_<event id hex>` cookie that
the join/poll answer sets (site). Without one the API answers 403
`waiting_room` with where to join, and the site sends the buyer to the queue.

Whether a room is on is read from the store and kept in this process for
`LOCAL_SECONDS`, so an event without a room costs its buyers no query; a save
in this process forgets it at once, other processes follow within that time.
"""

import datetime
import threading
import time
import uuid

from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from . import passes, services
from .store import STORE_ERRORS, Room

HEADER = "X-Waiting-Room-Pass"
LOCAL_SECONDS = 2.0

_local: dict[uuid.UUID, tuple[float, Room]] = {}
_local_lock = threading.Lock()


def cookie_name(event_id) -> str:
    return f"eh_wr_{uuid.UUID(str(event_id)).hex}"


def join_url(slug: str) -> str:
    return f"/api/v1/waiting-room/{slug}/join/"


def queue_url(slug: str) -> str:
    return f"/events/{slug}/queue/"


def forget(event_id) -> None:
    """Drop this process's copy of an event's room settings (they were just saved)."""
    with _local_lock:
        _local.pop(uuid.UUID(str(event_id)), None)


def forget_all() -> None:
    with _local_lock:
        _local.clear()


def _room(event) -> Room:
    now = time.monotonic()
    kept = _local.get(event.pk)
    if kept is not None and kept[0] > now:
        return kept[1]
    try:
        room = services.room_for(slug=event.slug)
        if room.enabled:
            # A buyer is here anyway (this request reads the database): tell the queue if all is gone.
            sold_out = services.is_sold_out(event_id=event.pk)
            if sold_out != room.sold_out:
                services.get_store().set_sold_out(event.slug, sold_out)
    except STORE_ERRORS:
        # The store is down: the database knows whether the room is on, and passes need no store.
        room = services.read_room(slug=event.slug) or Room(event_id="")
    with _local_lock:
        _local[event.pk] = (now + LOCAL_SECONDS, room)
    return room


def has_pass(request, event) -> bool:
    """Return whether the request carries a valid pass of its user for `event`."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    token = request.headers.get(HEADER) or request.COOKIES.get(cookie_name(event.pk))
    return passes.is_valid(token, event_id=event.pk, user_id=user.pk, now=time.time())


# Clocks of the app servers that stamped the admission and the order may differ this much.
CLOCK_SLACK_SECONDS = 5


def placed_while_admitted(request, event, placed_at: datetime.datetime) -> bool:
    """Return whether the request's user placed an order at `placed_at` while holding a pass for `event`.

    The pass was good from the moment the queue first saw the buyer admitted for
    `WAITING_ROOM_PASS_MINUTES`: an order placed in that time took its seats
    through the room, so paying for it needs no pass once that one has run out.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    try:
        admitted = services.get_store().admitted_at(str(event.pk), str(user.pk))
    except STORE_ERRORS:
        return False
    if admitted is None:
        return False
    placed = placed_at.timestamp()
    return admitted - CLOCK_SLACK_SECONDS <= placed <= admitted + services.pass_seconds() + CLOCK_SLACK_SECONDS


def must_queue(request, event, *, placed_at: datetime.datetime | None = None) -> bool:
    """Return whether `event`'s room is on and the request holds no valid pass for it.

    `placed_at`: paying for an order placed then, which counts as admitted if placed while admitted.
    """
    if not _room(event).enabled or has_pass(request, event):
        return False
    return placed_at is None or not placed_while_admitted(request, event, placed_at)


def require_admission(request, event, *, placed_at: datetime.datetime | None = None) -> Response | None:
    """Return None when the buyer may buy `event`'s tickets (or pay for an order placed at `placed_at`), else the API's 403."""
    if not must_queue(request, event, placed_at=placed_at):
        return None
    return Response(
        {
            "code": "waiting_room",
            "detail": _("This event's tickets are sold through a waiting room: join the queue to get your turn."),
            "join_url": join_url(event.slug),
            "queue_url": queue_url(event.slug),
        },
        status=status.HTTP_403_FORBIDDEN,
    )


def site_refusal(request, event, *, placed_at: datetime.datetime | None = None) -> HttpResponseRedirect | None:
    """Return None when the buyer may buy `event`'s tickets (or pay for an order placed at `placed_at`), else a redirect to the queue."""
    if not must_queue(request, event, placed_at=placed_at):
        return None
    return HttpResponseRedirect(queue_url(event.slug))
