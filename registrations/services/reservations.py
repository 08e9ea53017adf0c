"""The reservation service: one registration, an order of one, and its seat (DESIGN §2).

Seats are taken with one conditional UPDATE (`sold = sold + 1 WHERE sold <
quota`, see `seats`), so no count can race; PostgreSQL's CHECK constraint on
`sold` is the last line. Every transition is idempotent and sends its signal
and email only after its transaction commits. `orders` does the work for
orders of several tickets; these functions are its one-ticket face.
"""

import datetime
import functools
import logging

from django.db import connection
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import soldout
from events.models import Ticket
from events.services import sales_closed_reason
from eventhub.base import DomainError

from ..models import Registration

logger = logging.getLogger(__name__)

Status = Registration.Status
CancelReason = Registration.CancelReason


class RegistrationError(DomainError):
    """A reservation or transition the rules refuse (`sold_out`, `sales_closed`, …)."""


def reserve(*, ticket: Ticket, user, now: datetime.datetime | None = None) -> Registration:
    """Take a seat of `ticket` for `user` as an order of one: pending, or paid when the ticket is free.

    Pass `ticket` as just read: when it already shows every seat taken, the
    attempt to take one is skipped (a flash sale is mostly such refusals) and
    only expired holds are looked for. When it shows a seat left, the buyer's
    own holds are looked at inside the purchase, under their lock.
    """
    from . import orders

    now = now or timezone.now()
    reason = sales_closed_reason(ticket, now)
    if reason:
        raise RegistrationError(reason, code="sales_closed")
    released = False
    if ticket.sold >= ticket.quota and ticket.max_per_user == 1:
        released = release_own_expired_hold(ticket=ticket, user=user, now=now)
    if released or ticket.sold < ticket.quota:
        try:
            return orders.place_single(ticket=ticket, user=user, now=now)
        except orders.SoldOut:
            pass
    # Holds that have run out still count against the quota until released:
    # release this ticket type's, then try once more.
    if not expire_stale(ticket=ticket, now=now):
        remember_sold_out(ticket_id=ticket.pk)
        raise sold_out()
    try:
        return orders.place_single(ticket=ticket, user=user, now=now)
    except orders.SoldOut:
        remember_sold_out(ticket_id=ticket.pk)
        raise sold_out() from None


def release_own_expired_hold(*, ticket: Ticket, user, now: datetime.datetime) -> bool:
    """Refuse a buyer who holds a ticket of the event (`already_registered`), unless their hold has run out.

    A hold whose payment window has run out but that no job has released yet
    is no longer theirs: release it now (return True) and let them buy again.
    """
    held = _held(user_id=user.pk, event_id=ticket.event_id)
    if not held:
        return False
    if any(status != Status.PENDING or expires_at is None or expires_at > now for status, expires_at in held):
        raise _already_registered()
    released = bool(expire_stale(now=now, user=user, event_id=ticket.event_id))
    # A payment or cancellation holding the row meanwhile wins over the expiry: then it is still theirs.
    if Registration.objects.filter(user=user, event_id=ticket.event_id, status__in=Registration.ACTIVE_STATUSES).exists():
        raise _already_registered()
    return released


def _held(*, user_id, event_id) -> list[tuple]:
    """Return (status, expires_at) of the buyer's active registrations for the event (every sale asks)."""
    if connection.vendor != "postgresql":
        return list(Registration.objects.filter(
            user_id=user_id, event_id=event_id, status__in=Registration.ACTIVE_STATUSES
        ).values_list("status", "expires_at"))
    with connection.cursor() as cursor:
        cursor.execute(held_sql(), held_params(user_id=user_id, event_id=event_id))
        return cursor.fetchall()


def held_params(*, user_id, event_id) -> list:
    """Return the parameters of `held_sql` for one buyer and event."""
    return [user_id, event_id, list(Registration.ACTIVE_STATUSES)]


@functools.cache
def held_sql() -> str:
    """Return the SELECT of (status, expires_at) of a buyer's active registrations for an event (PostgreSQL)."""
    # Written once, as the ORM would: compiling it cost more than PostgreSQL running it.
    return (f"SELECT status, expires_at FROM {connection.ops.quote_name(Registration._meta.db_table)}"
            " WHERE user_id = %s AND event_id = %s AND status = ANY(%s)")


def _already_registered() -> RegistrationError:
    return RegistrationError(_("You already have a ticket for this event."), code="already_registered")


def sold_out() -> RegistrationError:
    """The refusal of `reserve` when no seat is left (also given from memory: `events.soldout`)."""
    return RegistrationError(_("This ticket is sold out."), code="sold_out")


def remember_sold_out(*, ticket_id) -> bool:
    """Tell the sold-out board a ticket type is sold out if the database says so now; return whether it was marked.

    Read after the board's version, so a release committing meanwhile wins.
    The mark lasts until the first pending hold runs out, sales end or the
    event starts; the event's holders are never refused from it, so that
    they still hear `already_registered` (`reserve` asks that first).
    """
    seen = soldout.version(ticket_id)
    now = timezone.now()
    ticket = (
        Ticket.objects.select_related("event")
        .annotate(next_expiry=Min("registrations__expires_at", filter=Q(registrations__status=Status.PENDING)))
        .filter(pk=ticket_id).first()
    )
    if ticket is None or ticket.sold < ticket.quota or sales_closed_reason(ticket, now):
        return False
    if ticket.next_expiry is not None and ticket.next_expiry <= now:
        return False  # a hold has run out and is not released yet: the next buyer releases it
    until = min(moment for moment in (ticket.next_expiry, ticket.sales_end, ticket.event.event_date) if moment)
    holders = None
    if ticket.max_per_user == 1:
        holders = Registration.objects.filter(
            event_id=ticket.event_id, status__in=Registration.ACTIVE_STATUSES
        ).order_by().values_list("user_id", flat=True).distinct()
    return soldout.remember(ticket_id=ticket.pk, event_id=ticket.event_id, seen=seen, until=until, holders=holders)


def set_payment_ref(*, registration: Registration, payment_ref: str) -> None:
    """Record the gateway order id of a registration's latest payment attempt (`payment_ref`).

    Payments call it inside the transaction that created the attempt, while
    holding the registration's row lock.
    """
    Registration.objects.filter(pk=registration.pk).update(payment_ref=payment_ref)
    registration.payment_ref = payment_ref


def mark_paid(
    *, registration: Registration, paid_at: datetime.datetime | None = None, payment_ref: str = ""
) -> Registration:
    """Mark a registration paid, with every ticket of its order; a no-op when it already is.

    A payment may be confirmed after the hold expired (a late payment): the
    order's tickets then take their seats again if there are enough, else
    this raises `sold_out` and they stay cancelled.
    """
    from . import orders

    orders.mark_order_paid(order=registration.order, paid_at=paid_at, payment_ref=payment_ref)
    return Registration.objects.get(pk=registration.pk)


def cancel(*, registration: Registration, reason: str = CancelReason.USER) -> Registration:
    """Cancel a registration and release its seat; a no-op when it is already cancelled.

    Attendees may cancel only while payment is pending (`not_cancellable`
    otherwise); staff may cancel a paid registration (the payments app records
    the refund). Expiry and payment failure apply only to pending ones. The
    order is settled once none of its tickets is active.
    """
    from . import orders

    return orders.cancel_registration(registration=registration, reason=reason)


def expire_stale(
    *,
    now: datetime.datetime | None = None,
    ticket: Ticket | None = None,
    event_id=None,
    user=None,
    batch: int = 500,
) -> int:
    """Expire pending orders whose hold has run out and release their seats; return how many tickets.

    `ticket`, `event_id` and `user` narrow the search to one ticket type, one
    event or one buyer.
    """
    from . import orders

    return orders.expire_orders(now=now, ticket=ticket, event_id=event_id, user=user, batch=batch)


def seat_drift() -> list[dict]:
    """Return the ticket types whose `sold` differs from their active registrations and held offers."""
    from . import orders

    return orders.seat_drift()
