"""Registries through which higher apps lend behaviour to events.

The registrations app registers how holds whose payment window has run out
are released, so the seats the pages and the API show are the seats a buyer
can take, even while no expiry job has run yet. The waiting room app registers
what the event page says about the queue in front of a sale, and the
credential the queue page's script polls with.
"""

from collections.abc import Callable

_release_expired_holds: Callable | None = None
_waiting_room: Callable | None = None
_queue_visitor: Callable | None = None


def register_release_expired_holds(func: Callable) -> Callable:
    """Register `func(*, event_id=None) -> int`, which releases the seats of holds that have run out."""
    global _release_expired_holds
    _release_expired_holds = func
    return func


def release_expired_holds(*, event_id=None) -> None:
    """Release the seats of holds past their payment window (of one event, or all) before seats are shown."""
    if _release_expired_holds is not None:
        _release_expired_holds(event_id=event_id)


def register_waiting_room(func: Callable) -> Callable:
    """Register `func(request, event) -> dict | None`, what the event page shows of the event's waiting room."""
    global _waiting_room
    _waiting_room = func
    return func


def waiting_room(request, event) -> dict | None:
    """Return the waiting room in front of the event's sale as the page shows it, or None when there is none.

    The dict: `on` (the room guards the sale now), `admitted` (this visitor holds a valid pass)
    and `queue_url`.
    """
    if _waiting_room is None:
        return None
    return _waiting_room(request, event)


def register_queue_visitor(func: Callable) -> Callable:
    """Register `func(request, event) -> str`, the token the queue page's script joins and polls with."""
    global _queue_visitor
    _queue_visitor = func
    return func


def queue_visitor(request, event) -> str:
    """Return the token the logged-in visitor's queue page sends with each join and poll ("" for none)."""
    if _queue_visitor is None:
        return ""
    return _queue_visitor(request, event)
