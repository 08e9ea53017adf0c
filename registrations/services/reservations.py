"""The reservation service: every change to a registration and its seat (DESIGN §2).

Seats are taken with one conditional UPDATE (`sold = sold + 1 WHERE sold <
quota`), so no lock outlives a statement and no count can race; PostgreSQL's
CHECK constraint on `sold` is the last line. Every transition is idempotent and
sends its signal and email only after its transaction commits.
"""

import contextlib
import datetime
import logging
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Ticket
from events.services import sales_closed_reason
from eventhub.base import DomainError

from .. import qr, signals, tasks
from ..models import Registration

logger = logging.getLogger(__name__)

Status = Registration.Status
CancelReason = Registration.CancelReason


class RegistrationError(DomainError):
    """A reservation or transition the rules refuse (`sold_out`, `sales_closed`, …)."""


class _SoldOut(Exception):
    pass


def reserve(*, ticket: Ticket, user, now: datetime.datetime | None = None) -> Registration:
    """Take a seat of `ticket` for `user`: a pending registration, or a paid one when the ticket is free.

    Pass `ticket` as just read: when it already shows every seat taken, the
    attempt to take one is skipped (a flash sale is mostly such refusals) and
    only expired holds are looked for.
    """
    now = now or timezone.now()
    reason = sales_closed_reason(ticket, now)
    if reason:
        raise RegistrationError(reason, code="sales_closed")
    held = Registration.objects.filter(
        user=user, event_id=ticket.event_id, status__in=Registration.ACTIVE_STATUSES
    ).values_list("status", "expires_at")[:1]
    released = False
    for status, expires_at in held:
        if status != Status.PENDING or expires_at is None or expires_at > now:
            raise RegistrationError(_("You already have a ticket for this event."), code="already_registered")
        # The buyer's own hold has run out but no job has released it yet: it
        # is no longer theirs, so release it now and let them buy again.
        released = bool(expire_stale(now=now, user=user, event_id=ticket.event_id))
    if released or ticket.sold < ticket.quota:
        try:
            return _register(ticket=ticket, user=user, now=now)
        except _SoldOut:
            pass
    # Holds that have run out still count against the quota until released:
    # release this ticket type's, then try once more.
    if not expire_stale(ticket=ticket, now=now):
        raise RegistrationError(_("This ticket is sold out."), code="sold_out")
    try:
        return _register(ticket=ticket, user=user, now=now)
    except _SoldOut:
        raise RegistrationError(_("This ticket is sold out."), code="sold_out") from None


def _register(*, ticket: Ticket, user, now: datetime.datetime) -> Registration:
    free = ticket.price == 0
    registration = Registration(
        user=user,
        event_id=ticket.event_id,
        ticket=ticket,
        amount=ticket.price,
        status=Status.PAID if free else Status.PENDING,
        paid_at=now if free else None,
        expires_at=None if free else now + datetime.timedelta(minutes=settings.PAYMENT_WINDOW_MINUTES),
    )
    registration.qr_code = qr.sign(registration.id)
    try:
        if connection.vendor == "postgresql":
            taken = _insert_taking_seat(registration)
        else:
            with transaction.atomic():
                taken = _take_seat(ticket_id=ticket.pk)
                if taken:
                    registration.save(force_insert=True)
    except IntegrityError:
        # The partial unique constraint: the same user won a concurrent race for this event.
        raise RegistrationError(_("You already have a ticket for this event."), code="already_registered") from None
    if not taken:
        raise _SoldOut
    transaction.on_commit(lambda: _announce_created(registration))
    return registration


def _insert_taking_seat(registration: Registration) -> bool:
    """Take a seat and insert the registration in one PostgreSQL statement; return False when no seat is left.

    Every buyer of a ticket type queues for its row's lock, which PostgreSQL
    holds until commit. Run alone, this statement commits at once, so the
    lock never waits on a round trip to this process (a separate UPDATE,
    INSERT and COMMIT held it across three, and threads or processes starved
    of CPU stretched each). Inside a caller's transaction a savepoint keeps a
    refused insert from aborting it. Like bulk_create, it sends no model
    signals; `registrations.signals` announce the registration.
    """
    fields = Registration._meta.concrete_fields
    values = [field.get_db_prep_save(field.pre_save(registration, True), connection) for field in fields]
    quote = connection.ops.quote_name
    sql = (
        f"WITH seat AS (UPDATE {quote(Ticket._meta.db_table)} SET sold = sold + 1"
        " WHERE id = %s AND sold < quota RETURNING id)"
        f" INSERT INTO {quote(Registration._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" SELECT {', '.join(['%s'] * len(fields))} FROM seat"
    )
    with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
        with connection.cursor() as cursor:
            cursor.execute(sql, [registration.ticket_id, *values])
            inserted = cursor.rowcount == 1
    if inserted:
        registration._state.adding = False
        registration._state.db = connection.alias
    return inserted


def _take_seat(*, ticket_id) -> bool:
    return bool(Ticket.objects.filter(pk=ticket_id, sold__lt=F("quota")).update(sold=F("sold") + 1))


def _release_seats(*, ticket_id, count: int = 1) -> None:
    Ticket.objects.filter(pk=ticket_id).update(sold=F("sold") - count)


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
    """Mark a registration paid; a no-op when it already is.

    A payment may be confirmed after the hold expired (a late payment): the
    registration then takes a seat again if one is free, else this raises
    `sold_out` and the registration stays cancelled.
    """
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == Status.PAID:
            return locked
        if locked.status == Status.CANCELLED:
            if locked.cancel_reason == CancelReason.STAFF:
                raise RegistrationError(_("This registration was cancelled by staff."), code="cancelled_by_staff")
            try:
                with transaction.atomic():
                    if not _take_seat(ticket_id=locked.ticket_id):
                        raise RegistrationError(_("This ticket is sold out."), code="sold_out")
                    _set_paid(locked, paid_at=paid_at, payment_ref=payment_ref)
            except IntegrityError:
                raise RegistrationError(
                    _("You already have a ticket for this event."), code="already_registered"
                ) from None
        else:
            _set_paid(locked, paid_at=paid_at, payment_ref=payment_ref)
    transaction.on_commit(lambda: _announce_paid(locked))
    return locked


def _set_paid(registration: Registration, *, paid_at, payment_ref: str) -> None:
    registration.status = Status.PAID
    registration.paid_at = paid_at or timezone.now()
    registration.expires_at = None
    registration.cancelled_at = None
    registration.cancel_reason = ""
    if payment_ref:
        registration.payment_ref = payment_ref
    registration.save(
        update_fields=["status", "paid_at", "expires_at", "cancelled_at", "cancel_reason", "payment_ref", "updated_at"]
    )


def cancel(*, registration: Registration, reason: str = CancelReason.USER) -> Registration:
    """Cancel a registration and release its seat; a no-op when it is already cancelled.

    Attendees may cancel only while payment is pending (`not_cancellable`
    otherwise); staff may cancel a paid registration (the payments app records
    the refund). Expiry and payment failure apply only to pending ones.
    """
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == Status.CANCELLED:
            return locked
        if locked.status == Status.PAID and reason != CancelReason.STAFF:
            if reason == CancelReason.USER:
                raise RegistrationError(
                    _("A paid registration can only be cancelled by the organiser."), code="not_cancellable"
                )
            return locked
        _release_seats(ticket_id=locked.ticket_id)
        locked.status = Status.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason
        locked.expires_at = None
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "expires_at", "updated_at"])
    transaction.on_commit(lambda: _announce_cancelled(locked, reason))
    return locked


def expire_stale(
    *,
    now: datetime.datetime | None = None,
    ticket: Ticket | None = None,
    event_id=None,
    user=None,
    batch: int = 500,
) -> int:
    """Cancel pending registrations whose hold has run out and release their seats; return how many.

    `ticket`, `event_id` and `user` narrow the search to one ticket type, one
    event or one buyer.
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
            # Rows locked by a concurrent mark_paid are skipped: that payment wins.
            expired = list(stale.select_for_update(skip_locked=True).order_by("expires_at")[:batch])
            if not expired:
                break
            Registration.objects.filter(pk__in=[r.pk for r in expired]).update(
                status=Status.CANCELLED, cancelled_at=now, cancel_reason=CancelReason.EXPIRED, expires_at=None,
                updated_at=now,
            )
            for ticket_id, count in Counter(r.ticket_id for r in expired).items():
                _release_seats(ticket_id=ticket_id, count=count)
            for registration in expired:
                registration.status = Status.CANCELLED
                registration.cancel_reason = CancelReason.EXPIRED
                registration.cancelled_at = now
                registration.expires_at = None
        transaction.on_commit(lambda expired=expired: [_announce_cancelled(r, CancelReason.EXPIRED) for r in expired])
        total += len(expired)
        if len(expired) < batch:
            break
    if total:
        logger.info("Expired %d pending registrations", total)
    return total


def seat_drift() -> list[dict]:
    """Return the ticket types whose `sold` differs from their active registrations."""
    rows = Ticket.objects.annotate(
        held=Count("registrations", filter=Q(registrations__status__in=Registration.ACTIVE_STATUSES))
    ).exclude(sold=F("held"))
    return [{"ticket": t, "sold": t.sold, "held": t.held} for t in rows.select_related("event")]


def _announce_created(registration: Registration) -> None:
    signals.registration_created.send(sender=Registration, registration=registration)
    kind = "ticket" if registration.status == Status.PAID else "received"
    tasks.send_registration_email.enqueue(str(registration.pk), kind)
    if registration.status == Status.PAID:
        signals.registration_paid.send(sender=Registration, registration=registration)


def _announce_paid(registration: Registration) -> None:
    signals.registration_paid.send(sender=Registration, registration=registration)
    tasks.send_registration_email.enqueue(str(registration.pk), "ticket")


def _announce_cancelled(registration: Registration, reason: str) -> None:
    signals.registration_cancelled.send(sender=Registration, registration=registration, reason=reason)
    tasks.send_registration_email.enqueue(str(registration.pk), "cancelled")
