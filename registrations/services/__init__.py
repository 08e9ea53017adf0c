"""The registrations' services (DESIGN §2): every change to a registration and its seat goes through here.

`reservations` holds the single-ticket reservation service; callers import its
names from this package (`from registrations import services`).
"""

from .reservations import (
    CancelReason,
    RegistrationError,
    Status,
    cancel,
    expire_stale,
    mark_paid,
    reserve,
    sales_closed_reason,
    seat_drift,
    set_payment_ref,
)

__all__ = [
    "CancelReason",
    "RegistrationError",
    "Status",
    "cancel",
    "expire_stale",
    "mark_paid",
    "reserve",
    "sales_closed_reason",
    "seat_drift",
    "set_payment_ref",
]
