"""The waiting list: seats that come back go to the people waiting for them, first come first served.

An offer takes its seats at once (`Ticket.sold` counts them, so nobody
outside the list can buy them) and holds them for `WAITLIST_CLAIM_MINUTES`;
the person claims them by placing an order with the offer, or the offer runs
out and the seats pass to the next in line.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Ticket

from .. import tasks
from ..models import WaitlistEntry
from . import seats
from .orders import per_buyer_limit_message
from .reservations import RegistrationError

logger = logging.getLogger(__name__)

EntryStatus = WaitlistEntry.Status


def join(*, user, ticket: Ticket, quantity: int = 1) -> WaitlistEntry:
    """Put `user` on a sold-out ticket type's waiting list for `quantity` seats (again: change the quantity)."""
    if quantity < 1:
        raise RegistrationError(_("Ask for at least one ticket."), code="invalid", status=400)
    limit = min(ticket.max_per_user, ticket.event.max_tickets_per_order)
    if quantity > limit:
        raise RegistrationError(
            per_buyer_limit_message(limit, ticket), code="limit_exceeded", extra={"ticket": str(ticket.pk)}
        )
    if ticket.seats_left >= quantity:
        raise RegistrationError(
            _("Seats of %(ticket)s are still on sale: buy them instead.") % {"ticket": ticket.name},
            code="seats_available",
        )
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().filter(
            user=user, ticket=ticket, status__in=WaitlistEntry.OPEN_STATUSES
        ).first()
        if entry is not None:
            if entry.status == EntryStatus.WAITING and entry.quantity != quantity:
                entry.quantity = quantity
                entry.save(update_fields=["quantity", "updated_at"])
            return entry
        try:
            with transaction.atomic():
                return WaitlistEntry.objects.create(user=user, event_id=ticket.event_id, ticket=ticket,
                                                    quantity=quantity)
        except IntegrityError:
            # The same user joined in a concurrent request: theirs stands.
            return WaitlistEntry.objects.get(user=user, ticket=ticket, status__in=WaitlistEntry.OPEN_STATUSES)


def leave(*, user, ticket: Ticket) -> WaitlistEntry | None:
    """Take `user` off a ticket type's waiting list; an offer they hold goes to the next in line."""
    now = timezone.now()
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().filter(
            user=user, ticket=ticket, status__in=WaitlistEntry.OPEN_STATUSES
        ).first()
        if entry is None:
            return None
        held = entry.status == EntryStatus.OFFERED
        entry.status = EntryStatus.LEFT
        entry.offered_until = None
        entry.save(update_fields=["status", "offered_until", "updated_at"])
        if held:
            seats.release_seats(ticket_id=ticket.pk, count=entry.quantity)
            offer_seats(ticket_id=ticket.pk, now=now)
    return entry


def offer_seats(*, ticket_id, now: datetime.datetime | None = None) -> list[WaitlistEntry]:
    """Offer a ticket type's free seats to the people waiting, in the order they joined; return the offers.

    Called inside the transaction that released seats, so the seats pass to
    the list before anyone else can take them. The first in line who cannot
    be served whole stops the queue: nobody jumps ahead.
    """
    now = now or timezone.now()
    waiting = WaitlistEntry.objects.filter(ticket_id=ticket_id, status=EntryStatus.WAITING).order_by("created_at")
    if not waiting.exists():
        return []
    offered = []
    with transaction.atomic():
        for entry in waiting.select_for_update(skip_locked=True)[:50]:
            if not seats.take_seats(ticket_id=ticket_id, count=entry.quantity):
                break
            entry.status = EntryStatus.OFFERED
            entry.offered_at = now
            entry.offered_until = now + datetime.timedelta(minutes=settings.WAITLIST_CLAIM_MINUTES)
            entry.save(update_fields=["status", "offered_at", "offered_until", "updated_at"])
            offered.append(entry)
    for entry in offered:
        transaction.on_commit(lambda pk=str(entry.pk): tasks.send_waitlist_offer_email.enqueue(pk))
    return offered


def expire_offers(*, now: datetime.datetime | None = None) -> int:
    """Close the offers whose claim time ran out and pass their seats to the next in line; return how many."""
    now = now or timezone.now()
    stale = WaitlistEntry.objects.filter(status=EntryStatus.OFFERED, offered_until__lte=now)
    if not stale.exists():
        return 0
    with transaction.atomic():
        expired = list(stale.select_for_update(skip_locked=True).order_by("ticket_id", "created_at")[:500])
        for entry in expired:
            entry.status = EntryStatus.EXPIRED
            entry.save(update_fields=["status", "updated_at"])
        counts: dict = {}
        for entry in expired:
            counts[entry.ticket_id] = counts.get(entry.ticket_id, 0) + entry.quantity
        seats.release_seats_by_ticket(counts)
        for ticket_id in sorted(counts, key=str):
            offer_seats(ticket_id=ticket_id, now=now)
    if expired:
        logger.info("Expired %d waiting-list offers", len(expired))
    return len(expired)


def position(*, entry: WaitlistEntry) -> int:
    """Return an open entry's place in its line, 1 for the first."""
    return WaitlistEntry.objects.filter(
        ticket_id=entry.ticket_id, status=EntryStatus.WAITING, created_at__lt=entry.created_at
    ).count() + 1
