"""Writing the audit log: `record(request_or_actor, action, obj, changes)`.

`action` is `<object kind>.<verb>`: `event.change`, `ticket.add`,
`registration.cancel`, `payment.refund`, `payment.manual_refund`,
`user.change`, `team.add`, `team.remove`, `device.pair`, `device.revoke`,
`file.delete`, …; `changes` maps a field to `[before, after]` (or holds what
the action needs to say). Call it right after the change succeeded, with the
request when there is one (the address is taken from it).
"""

import datetime
import decimal
import uuid

from django.db import models
from rest_framework.settings import api_settings

from .models import AuditEntry

_SECRET = ("password", "secret", "token", "credential", "code_sha256")


def record(
    request_or_actor, action: str, obj=None, changes: dict | None = None, *, event=None, actor=None
) -> AuditEntry:
    """Append one entry: `request_or_actor` (a request, a user, a paired device's principal, or None) did `action` on `obj`.

    `event` names the event when `obj` does not lead to it; `actor` names who acted when it is not the request's user.
    """
    request = request_or_actor if hasattr(request_or_actor, "META") else None
    if actor is None:
        actor = getattr(request, "user", None) if request is not None else request_or_actor
    user = actor if _is_user(actor) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=_label(actor),
        ip_address=client_address(request) if request is not None else None,
        action=action,
        object_type=obj._meta.label_lower if isinstance(obj, models.Model) else "",
        object_id=str(obj.pk) if isinstance(obj, models.Model) and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        event_id=_event_id(event if event is not None else obj),
        changes=plain(changes or {}),
    )


def diff(instance: models.Model, data: dict) -> dict:
    """Return `{field: [before, after]}` for the fields in `data` whose value differs from `instance`'s."""
    changes = {}
    for name, new in data.items():
        old = getattr(instance, name, None)
        if plain(old) != plain(new):
            changes[name] = [old, new]
    return changes


def form_changes(form) -> dict:
    """Return `{field: [before, after]}` of a bound model form's changed fields (secrets left out)."""
    changes = {}
    for name in form.changed_data:
        if any(word in name for word in _SECRET):
            continue
        before, after = form.initial.get(name), form.cleaned_data.get(name)
        if plain(before) != plain(after):  # a field left out of the post reads as changed to its default
            changes[name] = [before, after]
    return changes


def plain(value):
    """Return `value` as JSON can hold it: model objects by id, money and ids as text, times in ISO 8601."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items() if not any(word in str(key) for word in _SECRET)}
    if isinstance(value, (list, tuple, set, frozenset)) or isinstance(value, models.QuerySet):
        return [plain(item) for item in value]
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def client_address(request) -> str | None:
    """Return the client's address: REMOTE_ADDR, or the proxy-given one behind API_NUM_PROXIES proxies."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = api_settings.NUM_PROXIES
    if forwarded and proxies:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR") or None


def _is_user(actor) -> bool:
    return isinstance(actor, models.Model) and getattr(actor, "is_authenticated", False)


def _label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    device = getattr(actor, "device", None)
    if device is not None:
        return f"device: {device.name}"[:300]
    return f"{actor.full_name} <{actor.email}>"[:300]


def _event_id(obj):
    """Return the id of the event `obj` belongs to (an event, or anything reaching one), else None."""
    if obj is None or not isinstance(obj, models.Model):
        return None
    if obj._meta.label_lower == "events.event":
        return obj.pk
    for path in ("event_id", "registration.event_id", "ticket.event_id"):
        value = obj
        for attr in path.split("."):
            value = getattr(value, attr, None)
            if value is None:
                break
        if value is not None:
            return value
    return None
