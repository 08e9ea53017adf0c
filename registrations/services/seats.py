"""Seats and voucher uses: the counters only conditional UPDATEs move (DESIGN §2).

Lock order, everywhere in the registrations services: a purchase's
registration rows (by id), then its order row, then ticket rows (by id), then
the voucher row. Taking ticket rows in one fixed order is what keeps two
orders naming the same ticket types in opposite orders from deadlocking.
"""

import contextlib
import functools
import logging

from django.db import IntegrityError, connection
from django.db.models import F, Q
from psycopg.pq import TransactionStatus

from events import soldout
from events.models import Ticket

from ..models import Voucher

logger = logging.getLogger(__name__)


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


# The CHECK constraint on Ticket that keeps `sold` within `quota`.
SOLD_WITHIN_QUOTA = "ticket_sold_within_quota"


def can_take_seats_and_commit() -> bool:
    """Return whether `take_seats_and_commit` may end the transaction about to open (outermost, PostgreSQL)."""
    # Two statements in one execute need client-side binding: Django's default (no `server_side_binding`).
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and connection.settings_dict["OPTIONS"].get("server_side_binding") is not True
    )


def can_begin_own_transaction() -> bool:
    """Return whether a purchase may send BEGIN itself, with its first statements (see `own_transaction`).

    Django's connection must be in autocommit, outside any transaction, and
    psycopg's BEGIN plain (no isolation level or access mode of its own).
    """
    raw = connection.connection
    return (
        connection.vendor == "postgresql"
        and raw is not None
        and not connection.in_atomic_block
        and connection.get_autocommit()
        and raw.info.transaction_status == TransactionStatus.IDLE
        and raw.isolation_level is None and raw.read_only is None and raw.deferrable is None
    )


@contextlib.contextmanager
def own_transaction():
    """Leave no transaction open behind a purchase that began one itself: ROLLBACK unless it committed.

    psycopg sends its own BEGIN in a round trip of its own when Django opens a
    transaction; a sale sends BEGIN with its first statements instead, while
    Django's connection stays in autocommit (`can_begin_own_transaction`),
    and `take_seats_and_commit` ends it. Django knows nothing of that
    transaction, so whatever leaves this block before the COMMIT (a refusal,
    an error, the buyer's holds to look at under Django's own transaction)
    rolls it back here; a connection that cannot roll back is closed, never
    handed to the next request with a transaction open.
    """
    try:
        yield
    finally:
        raw = connection.connection
        if raw is not None and raw.info.transaction_status != TransactionStatus.IDLE:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("ROLLBACK")
            except Exception:
                logger.exception("Rolling back a purchase's own transaction failed: closing the connection")
                connection.close()


def take_seats_and_commit(*, ticket_id, count: int = 1, after: tuple[str, list] | None = None) -> bool:
    """Take `count` seats of a ticket type and commit the transaction in the same round trip; False: none taken.

    `after`: (sql, params) of statements to run first, in the same round trip (a purchase's rows).

    The last statement of a purchase, in an outermost transaction (see
    `can_take_seats_and_commit`), Django's or the purchase's own (`own_transaction`). Every buyer of a flash sale waits on this
    one row: sent with the UPDATE, the COMMIT follows it inside PostgreSQL, so
    the lock is held for microseconds rather than a round trip plus however
    long this thread waits for the GIL or a CPU (several ms on a busy worker,
    each of them every other sale's). With no condition to read back, the
    quota's CHECK constraint refuses the seat: the error skips the COMMIT and
    the transaction rolls back (the caller raises out of `atomic`).
    """
    with connection.cursor() as cursor:
        sql, params = _take_seats_and_commit_sql(), [count, ticket_id]
        if after is not None:
            sql, params = f"{after[0]}; {sql}", [*after[1], *params]
        try:
            cursor.execute(sql, params)
        except IntegrityError as error:
            if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) == SOLD_WITHIN_QUOTA:
                return False
            raise
        while not cursor.statusmessage.startswith("UPDATE") and cursor.nextset():
            pass  # on to the UPDATE's result, past those of `after`
        # The ticket row was read just before; a deleted one would fail the commit on its foreign keys.
        return cursor.rowcount == 1


@functools.cache
def _take_seats_and_commit_sql() -> str:
    table = connection.ops.quote_name(Ticket._meta.db_table)
    return f"UPDATE {table} SET sold = sold + %s WHERE id = %s; COMMIT"


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
