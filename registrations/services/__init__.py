"""The registrations' services (DESIGN §2): every change to a registration, an order and their seats.

`reservations` is the one-ticket path (`reserve`, `mark_paid`, `cancel`);
`orders` buys several tickets at once, with a promo code; `waitlist` passes
seats that come back to the people waiting; `seats` holds the counters'
conditional UPDATEs and the lock order. Callers import the names from this
package (`from registrations import services`).
"""

from . import orders, waitlist
from .orders import (
    Attendee,
    Item,
    Quote,
    cancel_order,
    expire_orders,
    find_voucher,
    mark_order_paid,
    place_order,
    quote_order,
)
from .reservations import (
    CancelReason,
    RegistrationError,
    Status,
    cancel,
    expire_stale,
    mark_paid,
    remember_sold_out,
    reserve,
    sales_closed_reason,
    seat_drift,
    set_payment_ref,
    sold_out,
)

__all__ = [
    "Attendee",
    "CancelReason",
    "Item",
    "Quote",
    "RegistrationError",
    "Status",
    "cancel",
    "cancel_order",
    "expire_orders",
    "expire_stale",
    "find_voucher",
    "mark_order_paid",
    "mark_paid",
    "orders",
    "place_order",
    "quote_order",
    "remember_sold_out",
    "reserve",
    "sales_closed_reason",
    "seat_drift",
    "set_payment_ref",
    "sold_out",
    "waitlist",
]
