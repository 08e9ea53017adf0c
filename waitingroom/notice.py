"""What an event's page says about its waiting room (lent to events through `events.hooks`)."""

from events import hooks

from . import gate


def register() -> None:
    """Lend `event_page` to the events app (called once, from the app's ready())."""
    hooks.register_waiting_room(event_page)


def event_page(request, event) -> dict | None:
    """Return the room as the event page shows it, or None when no room guards the sale.

    Whether the room is on comes from the gate's own copy of the settings (no query on a hot page);
    a pass is what the gate itself would accept.
    """
    if not gate._room(event).enabled:
        return None
    return {"on": True, "admitted": gate.has_pass(request, event), "queue_url": gate.queue_url(event.slug)}
