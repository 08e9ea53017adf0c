"""What an event's pages say about its waiting room (lent to events through `events.hooks`)."""

import time

from events import hooks

from . import gate, visitors


def register() -> None:
    """Lend `event_page` and `queue_visitor` to the events app (called once, from the app's ready())."""
    hooks.register_waiting_room(event_page)
    hooks.register_queue_visitor(queue_visitor)


def queue_visitor(request, event) -> str:
    """Return a visitor token for the logged-in user in `event`'s queue."""
    return visitors.issue_for_session(request, slug=event.slug, now=time.time())


def event_page(request, event) -> dict | None:
    """Return the room as the event page shows it, or None when no room guards the sale.

    Whether the room is on comes from the gate's own copy of the settings (no query on a hot page);
    a pass is what the gate itself would accept.
    """
    if not gate._room(event).enabled:
        return None
    return {"on": True, "admitted": gate.has_pass(request, event), "queue_url": gate.queue_url(event.slug)}
