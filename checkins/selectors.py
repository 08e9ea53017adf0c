"""Reads for the door: the offline manifest with its change cursor, admissions, event stats.

The manifest cursor (DESIGN §2, "delta-synced by a cursor") must never skip a
change, even one committed after a later change was already served. Every
write to a registration or a check-in is stamped by a trigger (migration
checkins 0003) with its transaction:
- PostgreSQL: the cursor is a transaction snapshot (`pg_current_snapshot()`,
  "xmin:xmax:in-progress ids") taken *before* the rows are read. A delta holds
  the rows whose stamping transaction that snapshot could not see
  (`NOT pg_visible_in_snapshot`). A transaction still running when the cursor
  was taken is in the snapshot's in-progress list, so its rows arrive in the
  next delta whenever it commits. Rows may come twice (harmless: devices
  upsert by registration id), never not at all.
- SQLite (development only): writers commit one at a time, so a counter
  stamped inside the write transaction is in commit order; the cursor is the
  highest stamp read before the rows.
"""

import dataclasses
import datetime
import re

from django.db import connection
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMinute
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Ticket
from eventhub.base import DomainError
from registrations import qr
from registrations.models import Registration

from .models import Checkin

_PG_CURSOR = re.compile(r"^pg\.(\d{1,19}):(\d{1,19}):((?:\d{1,19}(?:,\d{1,19})*)?)$")
_SEQ_CURSOR = re.compile(r"^seq\.(\d{1,19})$")


class CursorError(DomainError):
    status = 400


def _invalid_cursor() -> CursorError:
    return CursorError(_("This cursor is not valid; download the manifest again without one."), code="invalid_cursor")


@dataclasses.dataclass
class Manifest:
    cursor: str
    tickets: list[dict]
    removed: list[str]


# `change_xid` is a column the triggers keep, not a model field: its SQL names
# come from the models' `_meta`, quoted by the database's rules.
_CHANGE = "change_xid"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    field = model._meta.get_field(name)
    return connection.ops.quote_name(field.column)


def _current_cursor() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_current_snapshot()::text")
            return "pg." + cursor.fetchone()[0]
        change = connection.ops.quote_name(_CHANGE)
        cursor.execute(
            f"SELECT COALESCE(MAX(v), 0) FROM (SELECT MAX({change}) AS v FROM {_table(Registration)}"
            f" UNION ALL SELECT MAX({change}) FROM {_table(Checkin)})"
        )
        return f"seq.{cursor.fetchone()[0]}"


def _changed_since(registrations, cursor: str):
    """Filter `registrations` to those changed, or whose admission changed, since `cursor`."""
    if connection.vendor == "postgresql":
        match = _PG_CURSOR.match(cursor)
        if not match or int(match[1]) > int(match[2]):
            raise _invalid_cursor()
        snapshot, xmin = cursor.removeprefix("pg."), int(match[1])
        changed = "({c} >= %s AND NOT pg_visible_in_snapshot({c}::text::xid8, %s::pg_snapshot))"
        params = [xmin, snapshot]
    else:
        match = _SEQ_CURSOR.match(cursor)
        if not match:
            raise _invalid_cursor()
        changed, params = "{c} > %s", [int(match[1])]
    qn = connection.ops.quote_name
    # The registration's own stamp, on the query's own alias of its table.
    own = f"{qn(registrations.query.get_initial_alias())}.{qn(_CHANGE)}"
    admissions = (
        f"SELECT {_column(Checkin, 'registration')} FROM {_table(Checkin)}"
        f" WHERE {changed.format(c=qn(_CHANGE))}"
    )
    return registrations.filter(
        Q(RawSQL(changed.format(c=own), params, output_field=BooleanField())) | Q(pk__in=RawSQL(admissions, params))
    )


def manifest(*, event: Event, cursor: str | None = None) -> Manifest:
    """Return what an offline scanner needs for `event`: all paid tickets, or what changed since `cursor`."""
    new_cursor = _current_cursor()  # taken before the rows: a change in between comes twice, never not at all
    registrations = Registration.objects.filter(event=event)
    if cursor:
        registrations = _changed_since(registrations, cursor)
    else:
        registrations = registrations.filter(status=Registration.Status.PAID)
    # Tuples, not model instances: an event's whole manifest is read at once, and
    # four instances a ticket (registration, buyer, ticket type, admission) made
    # a 3,000-ticket manifest peak at ~8 MB a request, a high-water mark each
    # worker's memory kept (bench/soak.py).
    rows = registrations.order_by("created_at", "id").values_list(
        "pk", "status", "qr_code", "attendee_name", "user__full_name", "ticket__name", "checkin__checked_in_at"
    )
    tickets, removed = [], []
    for pk, status, qr_code, attendee_name, buyer_name, ticket_name, checked_in_at in rows:
        if status == Registration.Status.CANCELLED:
            removed.append(str(pk))
            continue
        if status != Registration.Status.PAID:
            continue  # a new pending registration: nothing a scanner needs
        tickets.append(
            {
                "registration": str(pk),
                "code_sha256": qr.code_sha256(qr_code),
                # The person the ticket admits, not the buyer who paid for it (Registration.holder_name).
                "attendee_name": attendee_name or buyer_name,
                "ticket_name": ticket_name,
                "status": status,
                "checked_in_at": checked_in_at,
            }
        )
    return Manifest(cursor=new_cursor, tickets=tickets, removed=removed)


def checkin_of(registration: Registration) -> Checkin | None:
    """Return the registration's admission, or None (reading the reverse one-to-one without raising)."""
    try:
        return registration.checkin
    except Checkin.DoesNotExist:
        return None


def checkins(*, event_id=None, device: str | None = None):
    """Return admissions, newest first, with who was admitted and by whom."""
    rows = Checkin.objects.select_related("registration__user", "registration__ticket", "admin").order_by(
        "-checked_in_at", "id"
    )
    if event_id:
        rows = rows.filter(registration__event_id=event_id)
    if device:
        rows = rows.filter(device=device)
    return rows


def event_stats(*, event: Event, now: datetime.datetime | None = None) -> dict:
    """Return sold, paid and checked-in counts of an event, per ticket type, and the last hour's admissions."""
    now = now or timezone.now()
    Status = Registration.Status
    registrations = Registration.objects.filter(event=event)
    totals = registrations.aggregate(
        registered=Count("id"),
        pending=Count("id", filter=Q(status=Status.PENDING)),
        paid=Count("id", filter=Q(status=Status.PAID)),
        cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
        checked_in=Count("checkin"),
    )
    per_ticket = {
        row["ticket_id"]: row
        for row in registrations.values("ticket_id").annotate(
            paid=Count("id", filter=Q(status=Status.PAID)), checked_in=Count("checkin")
        )
    }
    tickets = [
        {
            "id": ticket.pk,
            "name": ticket.name,
            "quota": ticket.quota,
            "sold": ticket.sold,
            "paid": per_ticket.get(ticket.pk, {}).get("paid", 0),
            "checked_in": per_ticket.get(ticket.pk, {}).get("checked_in", 0),
        }
        for ticket in Ticket.objects.filter(event=event).order_by("price", "name")
    ]
    admissions = (
        Checkin.objects.filter(registration__event=event, checked_in_at__gt=now - datetime.timedelta(hours=1))
        .annotate(minute=TruncMinute("checked_in_at"))
        .values("device", "minute")
        .annotate(count=Count("id"))
        .order_by("minute", "device")
    )
    return {"event": event.pk, **totals, "tickets": tickets, "admissions_per_minute": list(admissions)}
