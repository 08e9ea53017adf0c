"""What an event's page says about the waiting room in front of its sale (events.hooks.waiting_room)."""

from django import template

from events import hooks

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_room_state(context, event) -> dict | None:
    """Return the waiting room of `event` as this visitor sees it, or None when there is none."""
    return hooks.waiting_room(context["request"], event)
