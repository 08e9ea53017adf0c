"""Template tags of the event page's order form: the quantity chosen per type, the waiting list of sold-out types."""

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


@register.filter
def chosen_quantity(query, ticket) -> str:
    """Return the quantity of `ticket` the buyer chose before being sent back to the event page (`qty-<id>`)."""
    return query.get(f"qty-{ticket.pk}", "") if query is not None else ""
