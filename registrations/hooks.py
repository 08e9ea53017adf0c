"""Registries through which higher apps lend behaviour to registrations.

The payments app registers the URL where a pending registration is paid, so
the registration email and the dashboard can link to it without importing
payments.
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
