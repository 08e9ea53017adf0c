"""Orders: several tickets of one event bought at once, with a promo code, paid once.

An order's seats are taken all or nothing: the order and its registrations
are inserted, then each line takes its `quantity` seats in one conditional
UPDATE, lines in ticket-id order (see `seats`), then the voucher's use is
counted; if any of these is refused the transaction rolls back and nothing is
held. The ticket rows stay locked only from their UPDATE to the commit.
"""

import dataclasses
import datetime
import logging
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events import soldout
from events.models import Event, Ticket
from events.services import sales_closed_reason
from eventhub import inserts

from .. import qr, tasks
from ..models import Order, Registration, Voucher, WaitlistEntry
from . import seats
from .announcements import announce_order_cancelled, announce_order_created, announce_order_paid, order_received
from .reservations import (
    CancelReason,
    RegistrationError,
    Status,
    held_params,
    held_sql,
    release_own_expired_hold,
)

logger = logging.getLogger(__name__)

OrderStatus = Order.Status


@dataclasses.dataclass(frozen=True)
class Item:
    """One line of an order as asked for: a ticket type and how many."""

    ticket: Ticket
    quantity: int


@dataclasses.dataclass(frozen=True)
class Attendee:
    """Who a ticket admits; empty fields fall back to the buyer's."""

    name: str = ""
    email: str = ""


@dataclasses.dataclass(frozen=True)
class QuoteLine:
    ticket: Ticket
    quantity: int
    unit_price: Decimal
    amount: Decimal
    discount: Decimal


@dataclasses.dataclass(frozen=True)
class Quote:
    """What an order would cost: its lines, the voucher applied, the totals in whole rupiah."""

    event: Event
    lines: list[QuoteLine]
    voucher: Voucher | None
    subtotal: Decimal
    discount: Decimal
    total: Decimal

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)


class SoldOut(Exception):
    def __init__(self, ticket: Ticket):
        super().__init__(ticket.pk)
        self.ticket = ticket


def _sold_out(ticket: Ticket) -> RegistrationError:
    return RegistrationError(
        _("Not enough seats of %(ticket)s are left.") % {"ticket": ticket.name}, code="sold_out",
        extra={"ticket": str(ticket.pk)},
    )


def _invalid_voucher(message) -> RegistrationError:
    return RegistrationError(message, code="invalid_voucher", status=400)


def find_voucher(*, event: Event, code: str, now: datetime.datetime | None = None) -> Voucher:
    """Return the event's voucher for `code` (any case) while it can be used, else raise `invalid_voucher`."""
    now = now or timezone.now()
    voucher = Voucher.objects.filter(event=event, code__iexact=code.strip()).first() if code.strip() else None
    if voucher is None or not voucher.is_active:
        raise _invalid_voucher(_("This promo code is not valid for this event."))
    if voucher.valid_from and now < voucher.valid_from:
        raise _invalid_voucher(_("This promo code is not valid yet."))
    if voucher.valid_until and now >= voucher.valid_until:
        raise _invalid_voucher(_("This promo code has expired."))
    if voucher.uses_left == 0:
        raise _invalid_voucher(_("This promo code has been used up."))
    return voucher


def _merge(items: list[Item], event: Event) -> list[Item]:
    """Merge repeated ticket types and check every line belongs to `event` and asks for at least one seat."""
    quantities: dict = {}
    tickets: dict = {}
    for item in items:
        if item.ticket.event_id != event.pk:
            raise RegistrationError(_("This ticket type belongs to another event."), code="invalid", status=400)
        if item.quantity < 1:
            raise RegistrationError(_("Ask for at least one ticket of each type."), code="invalid", status=400)
        quantities[item.ticket.pk] = quantities.get(item.ticket.pk, 0) + item.quantity
        tickets[item.ticket.pk] = item.ticket
    if not quantities:
        raise RegistrationError(_("Choose at least one ticket."), code="invalid", status=400)
    return [Item(ticket=tickets[pk], quantity=q) for pk, q in quantities.items()]


def per_order_limit_message(limit: int) -> str:
    """Return the refusal of an order of more tickets than `limit`, the event's per-order limit."""
    return ngettext(
        "One order holds at most %(count)d ticket.", "One order holds at most %(count)d tickets.", limit
    ) % {"count": limit}


def per_buyer_limit_message(limit: int, ticket: Ticket) -> str:
    """Return the refusal of more than `limit` tickets of one type for one buyer."""
    return ngettext(
        "You can hold at most %(count)d ticket of %(ticket)s.", "You can hold at most %(count)d tickets of %(ticket)s.",
        limit,
    ) % {"count": limit, "ticket": ticket.name}


def _check_limits(*, user, event: Event, items: list[Item], held: dict) -> None:
    total = sum(item.quantity for item in items)
    if total > event.max_tickets_per_order:
        raise RegistrationError(per_order_limit_message(event.max_tickets_per_order), code="limit_exceeded")
    for item in items:
        if held.get(item.ticket.pk, 0) + item.quantity > item.ticket.max_per_user:
            raise RegistrationError(
                per_buyer_limit_message(item.ticket.max_per_user, item.ticket),
                code="limit_exceeded", extra={"ticket": str(item.ticket.pk)},
            )


def held_per_ticket(*, user, event_id) -> dict:
    """Return `{ticket_id: count}` of the active tickets `user` holds for an event."""
    rows = (
        Registration.objects.filter(user=user, event_id=event_id, status__in=Registration.ACTIVE_STATUSES)
        .values("ticket_id").annotate(n=Count("id"))
    )
    return {row["ticket_id"]: row["n"] for row in rows}


def quote_order(
    *, event: Event, items: list[Item], voucher_code: str = "", user=None, now: datetime.datetime | None = None
) -> Quote:
    """Return what an order of `items` would cost with `voucher_code`, checking the rules it would meet."""
    now = now or timezone.now()
    items = _merge(items, event)
    for item in items:
        reason = sales_closed_reason(item.ticket, now)
        if reason:
            raise RegistrationError(reason, code="sales_closed")
    if user is not None:
        _check_limits(user=user, event=event, items=items, held=held_per_ticket(user=user, event_id=event.pk))
    voucher = find_voucher(event=event, code=voucher_code, now=now) if voucher_code else None
    return _price(event=event, items=items, voucher=voucher)


def _price(*, event: Event, items: list[Item], voucher: Voucher | None) -> Quote:
    eligible_ids = None
    if voucher is not None:
        eligible_ids = set(voucher.tickets.values_list("pk", flat=True)) or {item.ticket.pk for item in items}
        if not eligible_ids & {item.ticket.pk for item in items}:
            raise _invalid_voucher(_("This promo code does not apply to these tickets."))
    subtotal = sum((item.ticket.price * item.quantity for item in items), Decimal(0))
    base = sum((item.ticket.price * item.quantity for item in items if eligible_ids and item.ticket.pk in eligible_ids),
               Decimal(0))
    if voucher is None:
        discount = Decimal(0)
    elif voucher.kind == Voucher.Kind.PERCENT:
        discount = (base * voucher.value / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    else:
        discount = min(voucher.value, base)
    lines = []
    left = discount
    for item in items:
        amount = item.ticket.price * item.quantity
        share = Decimal(0)
        if discount and item.ticket.pk in eligible_ids and base:
            share = (amount * discount / base).quantize(Decimal(1), rounding="ROUND_FLOOR")
        lines.append(QuoteLine(item.ticket, item.quantity, item.ticket.price, amount, share))
        left -= share
    # Rounding down leaves a few rupiah: the first eligible lines with room take them.
    for index, line in enumerate(lines):
        if left <= 0:
            break
        if eligible_ids and line.ticket.pk in eligible_ids and line.amount > line.discount:
            extra = min(left, line.amount - line.discount)
            lines[index] = dataclasses.replace(line, discount=line.discount + extra)
            left -= extra
    return Quote(event, lines, voucher, subtotal, discount, subtotal - discount)


def _seat_amounts(line: QuoteLine) -> list[Decimal]:
    """Split a line's discounted amount over its seats, in whole rupiah that add up."""
    total = line.amount - line.discount
    each = (total / line.quantity).quantize(Decimal(1), rounding="ROUND_FLOOR")
    amounts = [each] * line.quantity
    for index in range(int(total - each * line.quantity)):
        amounts[index] += 1
    return amounts


def place_order(
    *,
    user,
    event: Event,
    items: list[Item],
    attendees: list[Attendee] | None = None,
    voucher_code: str = "",
    waitlist_entry: WaitlistEntry | None = None,
    now: datetime.datetime | None = None,
) -> Order:
    """Take every seat of an order at once, or none: a pending order, or a paid one when its total is 0.

    Refusals: `sales_closed`, `limit_exceeded`, `sold_out` (naming the type),
    `invalid_voucher`; `attendees`, when given, name each ticket in order.
    A claimed waiting-list offer brings its held seats.
    """
    now = now or timezone.now()
    items = _merge(items, event)
    quantity = sum(item.quantity for item in items)
    if attendees is not None and len(attendees) != quantity:
        raise RegistrationError(_("Name one attendee for each ticket."), code="invalid", status=400)
    for item in items:
        reason = sales_closed_reason(item.ticket, now)
        if reason:
            raise RegistrationError(reason, code="sales_closed")
    voucher = find_voucher(event=event, code=voucher_code, now=now) if voucher_code else None
    quote = _price(event=event, items=items, voucher=voucher)
    # The buyer's own holds that ran out no longer count: release them first.
    if Registration.objects.filter(user=user, event_id=event.pk, status=Status.PENDING, expires_at__lte=now).exists():
        expire_orders(now=now, user=user, event_id=event.pk)
    # A type read as short of seats skips the attempt (a sale is mostly such refusals): only
    # expired holds are looked for. The tickets must be passed as just read.
    short = next(
        (line.ticket for line in quote.lines
         if line.ticket.quota - line.ticket.sold < line.quantity
         and not (waitlist_entry is not None and waitlist_entry.ticket_id == line.ticket.pk)),
        None,
    )
    if short is None:
        try:
            return _place(user=user, quote=quote, attendees=attendees, waitlist_entry=waitlist_entry, now=now)
        except SoldOut as refused:
            short = refused.ticket
    # Holds that ran out still count until released: release this type's, then try once more.
    if not expire_orders(now=now, ticket=short):
        raise _sold_out(short)
    try:
        return _place(user=user, quote=quote, attendees=attendees, waitlist_entry=waitlist_entry, now=now)
    except SoldOut as refused:
        raise _sold_out(refused.ticket) from None


_LOCK_BUYER_SQL = "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"


def _buyer_key(*, user, event_id) -> str:
    return f"buyer:{user.pk}:{event_id}"


def lock_buyer(*, user, event_id) -> None:
    """Serialise one buyer's purchases for one event until the transaction ends (their limits are counted)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_BUYER_SQL, [_buyer_key(user=user, event_id=event_id)])


def _begin_sale(*, user, event_id) -> list[tuple]:
    """Begin a sale's transaction, lock the buyer and return their active holds of the event, in one round trip.

    The transaction is the sale's own (Django's connection stays in
    autocommit, see `seats.own_transaction`): `take_seats_and_commit` ends it.
    """
    sql = f"BEGIN; {_LOCK_BUYER_SQL}; {held_sql()}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [_buyer_key(user=user, event_id=event_id), *held_params(user_id=user.pk, event_id=event_id)])
        while cursor.nextset():
            pass  # on to the holds, past BEGIN's and the lock's results
        return cursor.fetchall()


def _place(*, user, quote: Quote, attendees, waitlist_entry, now, single: bool = False) -> Order:
    event = quote.event
    # With no voucher use or offer to write after them, the last seats commit with their UPDATE.
    commit_with_seats = quote.voucher is None and waitlist_entry is None and seats.can_take_seats_and_commit()
    one_each = single and quote.lines[0].ticket.max_per_user == 1
    if one_each and commit_with_seats and seats.can_begin_own_transaction():
        # A sale's hot path: BEGIN, the buyer's lock and their holds in the first round trip, the rows,
        # the seat and COMMIT in the second. A buyer holding anything takes the path below.
        with seats.own_transaction():
            if not _begin_sale(user=user, event_id=event.pk):
                _check_limits(user=user, event=event, items=[Item(quote.lines[0].ticket, 1)], held={})
                written = _write(user=user, quote=quote, attendees=attendees, claimed=None, now=now,
                                 commit_with_seats=True)
                return _placed(user=user, event=event, written=written)
    with transaction.atomic():
        lock_buyer(user=user, event_id=event.pk)
        if one_each:
            # One statement on a sale's hot path; the buyer holds nothing (else refused) once it passes.
            release_own_expired_hold(ticket=quote.lines[0].ticket, user=user, now=now)
            held = {}
        else:
            held = held_per_ticket(user=user, event_id=event.pk)
        items = [Item(line.ticket, line.quantity) for line in quote.lines]
        _check_limits(user=user, event=event, items=items, held=held)
        claimed = _lock_offer(waitlist_entry, user=user, items=items, now=now) if waitlist_entry else None
        written = _write(user=user, quote=quote, attendees=attendees, claimed=claimed, now=now,
                         commit_with_seats=commit_with_seats)
        order = written[0]
        if quote.voucher is not None and not seats.take_voucher_use(voucher_id=quote.voucher.pk):
            raise _invalid_voucher(_("This promo code has been used up."))
        if claimed is not None:
            WaitlistEntry.objects.filter(pk=claimed.pk).update(status=WaitlistEntry.Status.CLAIMED, order=order,
                                                               updated_at=now)
    return _placed(user=user, event=event, written=written)


def _write(*, user, quote: Quote, attendees, claimed, now, commit_with_seats: bool) -> tuple:
    """Write an order, its tickets and its email's task row, and take the seats (`SoldOut` if refused).

    Return (order, registrations, queued, task_row) for `_placed`. With
    `commit_with_seats`, the last seats' UPDATE commits the transaction.
    """
    event = quote.event
    free = quote.total == 0
    order = Order(
        user=user, event=event, voucher=quote.voucher, subtotal=quote.subtotal, discount=quote.discount,
        total=quote.total, status=OrderStatus.PAID if free else OrderStatus.PENDING,
        paid_at=now if free else None,
        expires_at=None if free else now + datetime.timedelta(minutes=settings.PAYMENT_WINDOW_MINUTES),
    )
    registrations = []
    people = iter(attendees or [])
    for line in quote.lines:
        for amount in _seat_amounts(line):
            person = next(people, None) or Attendee()
            registration = Registration(
                order=order, user=user, event=event, ticket=line.ticket, amount=amount,
                attendee_name=person.name.strip() or user.full_name,
                attendee_email=person.email.strip() or user.email,
                status=Status.PAID if free else Status.PENDING, paid_at=order.paid_at, expires_at=order.expires_at,
            )
            registration.qr_code = qr.sign(registration.id)
            registrations.append(registration)
    # A database task queue takes the email in this transaction, before the seats are taken (the
    # ticket rows stay locked no longer): it commits with the order, in its commit, or not at all.
    queued = not free and tasks.queued_in_transaction(tasks.send_registration_email)
    # The order, its tickets and its email's task row, written by hand (the ORM compiling them cost
    # more than the rest of the purchase): sent with the last seats' UPDATE and COMMIT when they
    # commit together.
    task_row = None
    if queued:
        task_, args = order_received(order, registrations)
        task_row = tasks.task_row(task_, *args)
    rows = [inserts.statement([order]), inserts.statement(registrations)]
    if task_row is not None:
        rows.append(inserts.statement([task_row]))
    if not commit_with_seats:
        with connection.cursor() as cursor:
            for sql, params in rows:
                cursor.execute(sql, params)
    lines = sorted(quote.lines, key=lambda line: str(line.ticket.pk))
    for index, line in enumerate(lines):
        if claimed is not None and line.ticket.pk == claimed.ticket_id:
            continue
        if commit_with_seats and index == len(lines) - 1:
            taken = seats.take_seats_and_commit(ticket_id=line.ticket.pk, count=line.quantity, after=_joined(*rows))
        else:
            taken = seats.take_seats(ticket_id=line.ticket.pk, count=line.quantity)
        if not taken:
            raise SoldOut(line.ticket)
    return order, registrations, queued, task_row


def _placed(*, user, event: Event, written: tuple) -> Order:
    """Finish a placed order once its transaction is over: rows marked saved, what follows its commit."""
    order, registrations, queued, task_row = written
    inserts.saved([order, *registrations])
    if task_row is not None:
        tasks.row_written(task_row)  # what `enqueue` does once its row is written
    order.lines = registrations
    # A holder is never refused from the sold-out board's memory (they hear `already_registered`).
    transaction.on_commit(lambda: soldout.add_holder(event_id=event.pk, user_id=user.pk))
    # The buyer hears once that the order awaits payment; every paid ticket goes to its attendee.
    transaction.on_commit(lambda: announce_order_created(order, registrations, queued=queued))
    return order


def _joined(*statements: tuple[str, list]) -> tuple[str, list]:
    """Return statements as one (sql, params), to send in one round trip (PostgreSQL)."""
    return "; ".join(sql for sql, _ in statements), [param for _, params in statements for param in params]


def _lock_offer(entry: WaitlistEntry, *, user, items: list[Item], now) -> WaitlistEntry:
    locked = WaitlistEntry.objects.select_for_update().filter(pk=entry.pk, user=user).first()
    if locked is None or locked.status != WaitlistEntry.Status.OFFERED or locked.offered_until <= now:
        raise RegistrationError(_("This waiting-list offer is no longer open."), code="offer_expired")
    asked = {item.ticket.pk: item.quantity for item in items}
    if asked.get(locked.ticket_id) != locked.quantity:
        raise RegistrationError(
            _("Claim exactly the %(count)d tickets held for you.") % {"count": locked.quantity}, code="invalid",
            status=400,
        )
    return locked


def place_single(*, ticket: Ticket, user, now: datetime.datetime) -> Registration:
    """Take one seat as an order of one (the `reserve` path); raise `SoldOut` when none is left."""
    quote = _price(event=ticket.event, items=[Item(ticket, 1)], voucher=None)
    order = _place(user=user, quote=quote, attendees=None, waitlist_entry=None, now=now, single=True)
    return order.lines[0]


def _order_registrations(order_id) -> list[Registration]:
    return list(Registration.objects.select_for_update().filter(order_id=order_id).order_by("pk"))


def mark_order_paid(
    *, order: Order, paid_at: datetime.datetime | None = None, payment_ref: str = ""
) -> Order:
    """Mark an order and all its tickets paid; a no-op when it already is.

    After the hold expired (a late payment) every ticket re-takes its seat or
    none does (`sold_out`), and the order stays expired.
    """
    paid_at = paid_at or timezone.now()
    with transaction.atomic():
        registrations = _order_registrations(order.pk)
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status == OrderStatus.PAID:
            return locked
        if any(r.cancel_reason == CancelReason.STAFF for r in registrations):
            raise RegistrationError(_("This registration was cancelled by staff."), code="cancelled_by_staff")
        dropped = [r for r in registrations if r.status == Status.CANCELLED]
        counts = Counter(r.ticket_id for r in dropped)
        with transaction.atomic():
            for ticket_id in sorted(counts, key=str):
                if not seats.take_seats(ticket_id=ticket_id, count=counts[ticket_id]):
                    raise RegistrationError(_("This ticket is sold out."), code="sold_out")
            if dropped and locked.voucher_id and not seats.take_voucher_use(voucher_id=locked.voucher_id):
                raise _invalid_voucher(_("This promo code has been used up."))
        changed = [r for r in registrations if r.status != Status.PAID]
        for registration in changed:
            registration.status = Status.PAID
            registration.paid_at = paid_at
            registration.expires_at = None
            registration.cancelled_at = None
            registration.cancel_reason = ""
            if payment_ref:
                registration.payment_ref = payment_ref
        Registration.objects.bulk_update(
            changed, ["status", "paid_at", "expires_at", "cancelled_at", "cancel_reason", "payment_ref"]
        )
        Registration.objects.filter(pk__in=[r.pk for r in changed]).update(updated_at=paid_at)
        locked.status = OrderStatus.PAID
        locked.paid_at = paid_at
        locked.expires_at = None
        locked.cancelled_at = None
        locked.save(update_fields=["status", "paid_at", "expires_at", "cancelled_at", "updated_at"])
    if dropped:
        transaction.on_commit(lambda: soldout.add_holder(event_id=locked.event_id, user_id=locked.user_id))
    transaction.on_commit(lambda: announce_order_paid(locked, changed))
    return locked


def cancel_order(*, order: Order, reason: str = CancelReason.USER) -> Order:
    """Cancel a whole order, release its seats and its voucher use; a no-op when nothing is active.

    Buyers may cancel only while payment is pending (`not_cancellable`);
    staff may cancel a paid order (the payments app records the refund).
    """
    with transaction.atomic():
        registrations = _order_registrations(order.pk)
        locked = Order.objects.select_for_update().get(pk=order.pk)
        active = [r for r in registrations if r.status in Registration.ACTIVE_STATUSES]
        if not active:
            return locked
        if locked.status == OrderStatus.PAID and reason != CancelReason.STAFF:
            if reason == CancelReason.USER:
                raise RegistrationError(
                    _("A paid order can only be cancelled by the organiser."), code="not_cancellable"
                )
            return locked
        _cancel_registrations(locked, active, reason=reason, now=timezone.now())
    transaction.on_commit(lambda: announce_order_cancelled(locked, active, reason))
    return locked


def _cancel_registrations(order: Order, registrations: list[Registration], *, reason: str, now) -> None:
    """Cancel some active registrations of a locked order; settle the order once none is left active."""
    from . import waitlist

    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
        status=Status.CANCELLED, cancelled_at=now, cancel_reason=reason, expires_at=None, updated_at=now
    )
    for registration in registrations:
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.cancel_reason = reason
        registration.expires_at = None
    counts = Counter(r.ticket_id for r in registrations)
    seats.release_seats_by_ticket(counts)
    still_active = Registration.objects.filter(order_id=order.pk, status__in=Registration.ACTIVE_STATUSES).exists()
    if not still_active:
        was_paid = order.status == OrderStatus.PAID
        if order.voucher_id and order.status == OrderStatus.PENDING:
            seats.release_voucher_use(voucher_id=order.voucher_id)
        if reason == CancelReason.EXPIRED:
            order.status = OrderStatus.EXPIRED
        elif was_paid:
            order.status = OrderStatus.REFUNDED
        else:
            order.status = OrderStatus.CANCELLED
        order.cancelled_at = now
        order.expires_at = None
        order.save(update_fields=["status", "cancelled_at", "expires_at", "updated_at"])
    for ticket_id in sorted(counts, key=str):
        waitlist.offer_seats(ticket_id=ticket_id, now=now)


def cancel_registration(*, registration: Registration, reason: str) -> Registration:
    """Cancel one ticket of an order and release its seat (the rest of the order stays)."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        order = Order.objects.select_for_update().get(pk=locked.order_id)
        if locked.status == Status.CANCELLED:
            return locked
        if locked.status == Status.PAID and reason != CancelReason.STAFF:
            if reason == CancelReason.USER:
                raise RegistrationError(
                    _("A paid registration can only be cancelled by the organiser."), code="not_cancellable"
                )
            return locked
        _cancel_registrations(order, [locked], reason=reason, now=timezone.now())
    transaction.on_commit(lambda: announce_order_cancelled(order, [locked], reason))
    return locked


def expire_orders(
    *,
    now: datetime.datetime | None = None,
    ticket: Ticket | None = None,
    event_id=None,
    user=None,
    batch: int = 500,
) -> int:
    """Expire pending orders whose hold has run out, releasing their seats and voucher uses; return the tickets freed.

    `ticket`, `event_id` and `user` narrow the search to orders holding one
    ticket type, of one event or of one buyer.
    """
    now = now or timezone.now()
    stale = Registration.objects.filter(status=Status.PENDING, expires_at__lte=now)
    if ticket is not None:
        stale = stale.filter(ticket=ticket)
    if event_id is not None:
        stale = stale.filter(event_id=event_id)
    if user is not None:
        stale = stale.filter(user=user)
    # Usually nothing has run out (every sold-out answer asks): look before opening a transaction.
    if not stale.exists():
        return 0
    total = 0
    while True:
        with transaction.atomic():
            # Orders held by a concurrent payment or cancellation are skipped: that change wins.
            order_ids = list(stale.values_list("order_id", flat=True).distinct()[:batch])
            if not order_ids:
                break
            locked = list(
                Registration.objects.select_for_update(skip_locked=True)
                .filter(order_id__in=order_ids).order_by("pk")
            )
            by_order: dict = {}
            for registration in locked:
                by_order.setdefault(registration.order_id, []).append(registration)
            complete = {
                row["order_id"] for row in Registration.objects.filter(order_id__in=by_order)
                .values("order_id").annotate(n=Count("id")) if row["n"] == len(by_order[row["order_id"]])
            }
            orders = {o.pk: o for o in Order.objects.select_for_update(skip_locked=True).filter(pk__in=complete)}
            expired = []
            for order_id, order in orders.items():
                pending = [r for r in by_order[order_id] if r.status == Status.PENDING and r.expires_at
                           and r.expires_at <= now]
                if not pending or order.status != OrderStatus.PENDING:
                    continue
                _cancel_registrations(order, pending, reason=CancelReason.EXPIRED, now=now)
                expired += pending
        transaction.on_commit(lambda expired=expired, orders=orders: [
            announce_order_cancelled(orders[order_id], group, CancelReason.EXPIRED)
            for order_id, group in _by_order(expired).items()
        ])
        total += len(expired)
        if not expired or len(order_ids) < batch:
            break
    if total:
        logger.info("Expired %d pending registrations", total)
    return total


def _by_order(registrations: list[Registration]) -> dict:
    groups: dict = {}
    for registration in registrations:
        groups.setdefault(registration.order_id, []).append(registration)
    return groups


def seat_drift() -> list[dict]:
    """Return the ticket types whose `sold` differs from their active registrations and held offers."""
    tickets = Ticket.objects.annotate(
        held=Count("registrations", filter=Q(registrations__status__in=Registration.ACTIVE_STATUSES), distinct=True)
    ).select_related("event")
    offers = dict(
        WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED)
        .values_list("ticket_id").annotate(n=Sum("quantity"))
    )
    drift = []
    for ticket in tickets:
        held = ticket.held + offers.get(ticket.pk, 0)
        if held != ticket.sold:
            drift.append({"ticket": ticket, "sold": ticket.sold, "held": held})
    return drift
