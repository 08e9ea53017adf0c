"""What an order's changes tell the apps above (signals, per ticket) and the people involved (emails, per order).

Signals go out for every ticket, as they always have: payments refunds and
closes attempts per registration. Emails follow the order: the buyer hears
once per order (received, confirmed with every ticket, cancelled/expired/
refunded), and each attendee whose email differs from the buyer's gets their
own ticket. An order of one ticket held by the buyer keeps the one-ticket
emails it always had.
"""

from .. import signals, tasks
from ..models import Order, Registration

Status = Registration.Status


def _single(order: Order, registrations: list[Registration], *, whole: bool = False) -> bool:
    """Return whether an order is one ticket for the buyer themself (the one-ticket emails serve it).

    `whole`: `registrations` are all of the order's (it was just placed), so they need not be counted.
    """
    if len(registrations) != 1 or (not whole and order.registrations.count() != 1):
        return False
    return registrations[0].holder_email.casefold() == order.user.email.casefold()


def _for_others(order: Order, registrations: list[Registration]) -> list[Registration]:
    """Return the tickets whose attendee has an email of their own (not the buyer's)."""
    buyer = order.user.email.casefold()
    return [r for r in registrations if r.holder_email.casefold() != buyer]


def announce_order_created(order: Order, registrations: list[Registration], *, queued: bool = False) -> None:
    """Announce a placed order: pending (the buyer is told once, with the payment link), or paid when free.

    `queued`: the pending order's email was queued already, in its transaction (`queue_order_received`).
    """
    for registration in registrations:
        signals.registration_created.send(sender=Registration, registration=registration)
    if order.status == Order.Status.PAID:
        announce_order_paid(order, registrations, created=True)
    elif not queued:
        queue_order_received(order, registrations)


def queue_order_received(order: Order, registrations: list[Registration]) -> None:
    """Queue the email telling the buyer a just-placed order awaits payment (`registrations`: all of it)."""
    task_, args = order_received(order, registrations)
    task_.enqueue(*args)


def order_received(order: Order, registrations: list[Registration]) -> tuple:
    """Return the task and arguments of the email telling the buyer a just-placed order awaits payment."""
    if _single(order, registrations, whole=True):
        return tasks.send_registration_email, (str(registrations[0].pk), "received")
    return tasks.send_order_email, (str(order.pk), "received")


def announce_order_paid(order: Order, registrations: list[Registration], *, created: bool = False) -> None:
    """Announce tickets paid: one confirmation to the buyer listing every ticket, a ticket to each other attendee."""
    for registration in registrations:
        signals.registration_paid.send(sender=Registration, registration=registration)
    if not registrations:
        return
    if _single(order, registrations):
        tasks.send_registration_email.enqueue(str(registrations[0].pk), "ticket")
        return
    tasks.send_order_email.enqueue(str(order.pk), "confirmed")
    for registration in _for_others(order, registrations):
        tasks.send_registration_email.enqueue(str(registration.pk), "ticket")


def announce_order_cancelled(order: Order, registrations: list[Registration], reason: str) -> None:
    """Announce tickets cancelled (expired, by the buyer, by staff with a refund): one email to the buyer."""
    for registration in registrations:
        signals.registration_cancelled.send(sender=Registration, registration=registration, reason=reason)
    if not registrations:
        return
    if len(registrations) == 1:
        # One ticket (an order of one, or one ticket of a larger order): its own email says which.
        tasks.send_registration_email.enqueue(str(registrations[0].pk), "cancelled")
    else:
        tasks.send_order_email.enqueue(str(order.pk), "cancelled")
