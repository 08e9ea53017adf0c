"""Template tags of the waiting list, for the event page's sold-out ticket types."""

from django import template

from ..models import WaitlistEntry
from ..services import waitlist

register = template.Library()


@register.simple_tag(takes_context=True)
def waitlist_entry(context, ticket):
    """Return the signed-in user's open waiting-list entry for `ticket` (with its `place` in line), or None."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    entry = WaitlistEntry.objects.filter(
        user=request.user, ticket=ticket, status__in=WaitlistEntry.OPEN_STATUSES
    ).first()
    if entry is not None and entry.status == WaitlistEntry.Status.WAITING:
        entry.place = waitlist.position(entry=entry)
    return entry


@register.filter
def waitlist_choices(ticket) -> range:
    """Return how many seats one may wait for: 1 up to the buyer cap and the order cap."""
    return range(1, min(ticket.max_per_user, ticket.event.max_tickets_per_order) + 1)
