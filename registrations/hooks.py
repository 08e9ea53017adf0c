"""Registries through which higher apps lend behaviour to registrations.

The payments app registers the URL where a pending registration is paid, so
the registration email and the dashboard can link to it without importing
payments; how a paid registration was paid, for the receipt in the ticket
email; and how a cancelled registration was refunded, so the cancellation
email and the admin can say so.
"""

from collections.abc import Callable

_checkout_url: Callable | None = None


def register_checkout_url(func: Callable) -> Callable:
    """Register `func(registration) -> str`, the path where a pending registration is paid."""
    global _checkout_url
    _checkout_url = func
    return func


def checkout_url(registration) -> str | None:
    """Return the path where a pending registration is paid, or None while no payment app is installed."""
    if _checkout_url is None or registration.status != registration.Status.PENDING:
        return None
    return _checkout_url(registration)



# The payments app's reads (payments/selectors.py): `paid_with(registration)` and `refund_of(registration)`.
_payments = None


def register_payments(reader) -> None:
    """Register the payments app's reader of how a registration was paid and refunded."""
    global _payments
    _payments = reader


def paid_with(registration) -> dict | None:
    """Return the payment of a paid registration for its receipt, or None (free, or paid without a gateway).

    The dict holds `order_id` (the number the gateway shows the buyer), `method` and `gateway`.
    """
    if _payments is None or registration.status != registration.Status.PAID:
        return None
    return _payments.paid_with(registration)


def refund_summary(registration) -> dict | None:
    """Return the refund of a cancelled registration's payment, or None when nothing was paid online.

    The dict holds `amount`, `method` (the name the buyer paid with), `gateway`,
    `refunded_at` and `done` (False while it waits for staff to refund by hand).
    """
    if _payments is None or registration.status != registration.Status.CANCELLED:
        return None
    return _payments.refund_of(registration)


# The waiting room's gate (waitingroom/gate.py): `api(request, event)` returns None or a 403 Response,
# `site(request, event)` None or a redirect to the event's queue page.
_admission_gate: dict = {}


def register_admission_gate(*, api: Callable, site: Callable) -> None:
    """Register the gate the buying endpoints ask before selling (the waiting room)."""
    _admission_gate.update(api=api, site=site)


def admission_refusal(request, event, **paying):
    """Return the API's answer to a buyer the waiting room does not let through yet, else None.

    `placed_at=` when paying for an order placed then (one placed while admitted needs no new pass).
    """
    gate = _admission_gate.get("api")
    return gate(request, event, **paying) if gate else None


def site_admission_refusal(request, event, **paying):
    """Return the site's redirect for a buyer the waiting room does not let through yet, else None (see above)."""
    gate = _admission_gate.get("site")
    return gate(request, event, **paying) if gate else None
