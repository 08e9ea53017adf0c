"""An event's attendees and payments as CSV or XLSX (openpyxl) for organisers.

The attendee columns are the registration export's (`RegistrationAdmin.export_columns`,
which the apps above registrations extend) plus the gate that admitted each
one. Times are the event's local time: ISO 8601 with offset in CSV, plain
date-times in XLSX (which has no time zones; the header names the zone).
A text cell never starts a formula: attendees type their own names.
"""

import csv
import dataclasses
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from checkins.selectors import checkin_of
from events.models import Event
from payments.models import Payment
from registrations.admin import ExportColumn, RegistrationAdmin
from registrations.models import Registration

from . import selectors

KINDS = ("attendees", "payments")
FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclasses.dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: Iterable[list]
    tz: datetime.tzinfo


def _gate(registration: Registration) -> str:
    checkin = checkin_of(registration)
    return checkin.device if checkin else ""


PAYMENT_COLUMNS: list[tuple[str, Callable[[Payment], object]]] = [
    ("order_id", lambda p: p.order_id),
    ("provider", lambda p: p.get_provider_display()),
    ("method", lambda p: p.payment_method),
    ("status", lambda p: p.status),
    ("amount", lambda p: p.amount),
    ("currency", lambda p: p.currency),
    ("created_at", lambda p: p.created_at),
    ("paid_at", lambda p: p.paid_at),
    ("refunded_at", lambda p: p.refunded_at),
    ("refund_ref", lambda p: p.refund_ref),
    ("registration", lambda p: p.registration_id),
    ("email", lambda p: p.registration.user.email),
    ("ticket", lambda p: p.registration.ticket.name),
    ("gateway_id", lambda p: p.external_id),
]


def attendees(event: Event) -> Table:
    """Return every registration of the event, with its admission and gate."""
    columns = [*RegistrationAdmin.export_columns, ExportColumn("gate", _gate, ("checkin",))]
    related = sorted({"event", *(name for column in columns for name in column.select_related)})
    registrations = (
        Registration.objects.filter(event=event).select_related(*related).order_by("ticket__price", "created_at", "id")
    )
    rows = ([column.value(r) for column in columns] for r in registrations.iterator(chunk_size=1000))
    return Table(title="attendees", headers=[c.header for c in columns], rows=rows, tz=event.tzinfo)


def payments(event: Event) -> Table:
    """Return every payment attempt of the event."""
    attempts = selectors.event_payments(event).select_related("registration__user", "registration__ticket")
    rows = (
        [value(p) for _header, value in PAYMENT_COLUMNS]
        for p in attempts.order_by("created_at", "id").iterator(chunk_size=1000)
    )
    return Table(title="payments", headers=[h for h, _value in PAYMENT_COLUMNS], rows=rows, tz=event.tzinfo)


def table(*, event: Event, kind: str) -> Table:
    return {"attendees": attendees, "payments": payments}[kind](event)


def filename(*, event: Event, kind: str, fmt: str) -> str:
    stamp = timezone.localtime(timezone.now(), event.tzinfo).strftime("%Y%m%d-%H%M")
    return f"{event.slug}-{kind}-{stamp}.{fmt}"


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value, tz):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, tz).isoformat(timespec="seconds")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, str):
        return _text(value)
    return "" if value is None else value


def csv_lines(data: Table) -> Iterator[str]:
    """Yield the table as CSV lines (UTF-8 with a byte-order mark, which spreadsheets need to read it as UTF-8)."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(data.headers)
    for row in data.rows:
        yield writer.writerow([_csv_cell(value, data.tz) for value in row])


def xlsx_bytes(data: Table) -> bytes:
    """Return the table as one XLSX worksheet, numbers as numbers and times as the event's local time."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(data.title)
    zone = timezone.localtime(timezone.now(), data.tz).tzname()
    sheet.append(data.headers[:])
    for row in data.rows:
        cells = []
        for value in row:
            if isinstance(value, datetime.datetime):
                cell = WriteOnlyCell(sheet, value=timezone.localtime(value, data.tz).replace(tzinfo=None))
                cell.number_format = f'yyyy-mm-dd hh:mm:ss "{zone}"'
            elif isinstance(value, Decimal):
                cell = WriteOnlyCell(sheet, value=int(value) if value == value.to_integral_value() else float(value))
            elif value is None:
                cell = WriteOnlyCell(sheet, value=None)
            else:
                cell = WriteOnlyCell(sheet, value=str(value) if not isinstance(value, (int, float)) else value)
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
