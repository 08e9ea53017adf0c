"""Registries through which higher apps lend behaviour to events.

The registrations app registers how holds whose payment window has run out
are released, so the seats the pages and the API show are the seats a buyer
can take, even while no expiry job has run yet.
"""

from collections.abc import Callable

_release_expired_holds: Callable | None = None


def register_release_expired_holds(func: Callable) -> Callable:
    """Register `func(*, event_id=None) -> int`, which releases the seats of holds that have run out."""
    global _release_expired_holds
    _release_expired_holds = func
    return func


def release_expired_holds(*, event_id=None) -> None:
    """Release the seats of holds past their payment window (of one event, or all) before seats are shown."""
    if _release_expired_holds is not None:
        _release_expired_holds(event_id=event_id)
