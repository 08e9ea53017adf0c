"""Seats and voucher uses: the counters only conditional UPDATEs move (DESIGN §2).

Lock order, everywhere in the registrations services: a purchase's
registration rows (by id), then its order row, then ticket rows (by id), then
the voucher row. Taking ticket rows in one fixed order is what keeps two
orders naming the same ticket types in opposite orders from deadlocking.
"""

import functools

from django.db import connection
from django.db.models import F, Q

from events import soldout
from events.models import Ticket

from ..models import Voucher


def take_seats(*, ticket_id, count: int = 1) -> bool:
    """Take `count` seats of a ticket type in one statement; return False, taking none, when fewer are left."""
    if connection.vendor == "postgresql":
        # Written once: every sale makes it, and the ORM compiling it cost more than PostgreSQL running it.
        with connection.cursor() as cursor:
            cursor.execute(_take_seats_sql(), [count, ticket_id, count])
            return cursor.rowcount == 1
    return bool(
        Ticket.objects.filter(pk=ticket_id, sold__lte=F("quota") - count).update(sold=F("sold") + count)
    )


@functools.cache
def _take_seats_sql() -> str:
    table = connection.ops.quote_name(Ticket._meta.db_table)
    return f"UPDATE {table} SET sold = sold + %s WHERE id = %s AND sold <= quota - %s"


def release_seats(*, ticket_id, count: int = 1) -> None:
    """Give back `count` seats of a ticket type (buyers refused as sold out are served again once it commits)."""
    Ticket.objects.filter(pk=ticket_id).update(sold=F("sold") - count)
    soldout.forget_on_commit(ticket_id)


def release_seats_by_ticket(counts: dict) -> None:
    """Give back seats of several ticket types, `{ticket_id: count}`, locking their rows in id order."""
    for ticket_id in sorted(counts, key=str):
        release_seats(ticket_id=ticket_id, count=counts[ticket_id])


def take_voucher_use(*, voucher_id) -> bool:
    """Count one use of a voucher; return False when its uses have run out."""
    uses_left = Q(max_uses__isnull=True) | Q(used__lt=F("max_uses"))
    return bool(Voucher.objects.filter(uses_left, pk=voucher_id).update(used=F("used") + 1))


def release_voucher_use(*, voucher_id) -> None:
    """Give back one use of a voucher (its order expired or was cancelled)."""
    Voucher.objects.filter(pk=voucher_id, used__gt=0).update(used=F("used") - 1)
