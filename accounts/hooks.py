"""Registries through which higher apps lend behaviour to accounts.

The events app registers how to list a user's event roles, so `auth/me/` can
show them without importing events.
"""

from collections.abc import Callable

_event_roles: Callable | None = None


def register_event_roles(func: Callable) -> Callable:
    """Register `func(user) -> list[dict]`, the user's roles on event teams."""
    global _event_roles
    _event_roles = func
    return func


def event_roles(user) -> list[dict]:
    """Return the user's event roles (`[{event, slug, title, role}]`), or none while no events app is installed."""
    return _event_roles(user) if _event_roles is not None else []
