"""The check-in service: admit each paid ticket exactly once (DESIGN §2).

A scan verifies the code's signature first (a forged code costs no query),
then, in one transaction that locks the registration row, checks the event,
the status and earlier admissions, and records the admission. Offline scans
uploaded later go through the same rules, idempotent by the device's scan id;
the earliest admission wins.
"""

import dataclasses
import datetime
import functools
import uuid

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from events.models import Ticket
from registrations import qr
from registrations.models import Registration

from .models import Checkin, OfflineScan, ScannerDevice

Result = OfflineScan.Result


@dataclasses.dataclass(frozen=True, slots=True)
class Scanned:
    """The registration a code names, as the door shows it."""

    registration_id: uuid.UUID
    event_id: uuid.UUID
    status: str
    attendee_name: str
    ticket_name: str


@dataclasses.dataclass(frozen=True, slots=True)
class Admission:
    checked_in_at: datetime.datetime
    device: str
    checked_in_by: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to one scan: a result code, the registration if one was found, and the admission if any."""

    result: str
    scanned: Scanned | None = None
    admission: Admission | None = None


# The hot path is two statements written once per process instead of ORM queries compiled per scan.
@functools.cache
def _lock_sql(lock: bool) -> str:
    # FOR UPDATE OF the registration only: the outer joins are read, not locked. The joined
    # check-in is as of this statement's snapshot, which may predate a concurrent admission
    # that held the lock we waited for; _admit() settles that case. (SQLite has no row locks:
    # its write transactions run one at a time.)
    return (
        f"SELECT r.id, r.event_id, r.status, COALESCE(NULLIF(r.attendee_name, ''), u.full_name), t.name,"
        f" c.checked_in_at, c.device, COALESCE(a.full_name, d.name)"
        f" FROM {Registration._meta.db_table} r"
        f" JOIN {User._meta.db_table} u ON u.id = r.user_id"
        f" JOIN {Ticket._meta.db_table} t ON t.id = r.ticket_id"
        f" LEFT JOIN {Checkin._meta.db_table} c ON c.registration_id = r.id"
        f" LEFT JOIN {User._meta.db_table} a ON a.id = c.admin_id"
        f" LEFT JOIN {ScannerDevice._meta.db_table} d ON d.id = c.scanner_id"
        f" WHERE r.id = %s" + (" FOR UPDATE OF r" if lock else "")
    )


@functools.cache
def _insert_sql() -> str:
    return (
        f"INSERT INTO {Checkin._meta.db_table}"
        " (id, registration_id, admin_id, scanner_id, checked_in_at, device, scan_id, created_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (registration_id) DO NOTHING RETURNING id"
    )


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _datetime(value) -> datetime.datetime:
    if isinstance(value, str):  # SQLite
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


def _db_uuid(value: uuid.UUID | None):
    # As UUIDField stores it: native on PostgreSQL, 32 hex digits elsewhere.
    if value is None or connection.features.has_native_uuid_field:
        return value
    return value.hex


def _lock(registration_id: uuid.UUID) -> tuple[Scanned, Admission | None] | None:
    """Lock the registration row; return it and its admission as of this statement, or None if unknown."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(connection.features.has_select_for_update_of), [_db_uuid(registration_id)])
        row = cursor.fetchone()
    if row is None:
        return None
    scanned = Scanned(_uuid(row[0]), _uuid(row[1]), row[2], row[3], row[4])
    admission = Admission(_datetime(row[5]), row[6], row[7]) if row[5] is not None else None
    return scanned, admission


def _refusal(scanned: Scanned, event_id: uuid.UUID) -> str | None:
    if scanned.event_id != event_id:
        return Result.WRONG_EVENT
    if scanned.status == Registration.Status.CANCELLED:
        return Result.CANCELLED
    if scanned.status != Registration.Status.PAID:
        return Result.NOT_PAID
    return None


def _admit(*, registration_id, admin, scanner, at: datetime.datetime, device: str, scan_id=None) -> bool:
    """Record the admission; return False when one already exists (the database keeps one per registration)."""
    params = [
        _db_uuid(uuid.uuid4()), _db_uuid(registration_id), _db_uuid(admin.pk if admin else None),
        _db_uuid(scanner.pk if scanner else None),
        connection.ops.adapt_datetimefield_value(at), device, _db_uuid(scan_id),
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), params)
        return cursor.fetchone() is not None


def _admission_of(registration_id) -> Admission:
    checkin = Checkin.objects.select_related("admin", "scanner").get(registration_id=registration_id)
    return Admission(checkin.checked_in_at, checkin.device, _admitted_by(checkin.admin, checkin.scanner))


def _admitted_by(admin, scanner) -> str | None:
    if admin is not None:
        return admin.full_name
    return scanner.name if scanner is not None else None


def scan(
    *, code: str, event_id: uuid.UUID, device: str, admin, scanner: ScannerDevice | None = None,
    now: datetime.datetime | None = None,
) -> Verdict:
    """Admit the ticket `code` to event `event_id` if it may enter; return the verdict.

    `admin` is the staff user scanning, or None when a paired `scanner` scans.
    """
    registration_id = qr.verify(code)
    if registration_id is None:
        return Verdict(Result.INVALID)
    with transaction.atomic():
        found = _lock(registration_id)
        if found is None:
            return Verdict(Result.NOT_FOUND)
        scanned, admission = found
        refusal = _refusal(scanned, event_id)
        if refusal:
            return Verdict(refusal, scanned)
        if admission is None:
            at = now or timezone.now()
            if _admit(registration_id=registration_id, admin=admin, scanner=scanner, at=at, device=device):
                return Verdict(Result.OK, scanned, Admission(at, device, _admitted_by(admin, scanner)))
            # A concurrent scan admitted it after our snapshot was taken (it held the lock we waited for).
            admission = _admission_of(registration_id)
        return Verdict(Result.ALREADY_CHECKED_IN, scanned, admission)


@dataclasses.dataclass(frozen=True, slots=True)
class OfflineScanIn:
    scan_id: uuid.UUID
    code: str
    scanned_at: datetime.datetime
    device: str = ""


def sync(
    *, event_id: uuid.UUID, scans: list[OfflineScanIn], admin, scanner: ScannerDevice | None = None
) -> list[OfflineScan]:
    """Apply scans made offline, in the order they were made; return one answer per scan, in the given order.

    A scan id seen before gets the answer it got then. A ticket admitted twice
    keeps its earliest admission: an upload older than the recorded admission
    moves the admission to it (time, device, staff, scan id) and answers `ok`;
    a later one answers `already_checked_in` with the winner's time.
    """
    now = timezone.now()
    answers: dict[uuid.UUID, OfflineScan] = {}
    for item in sorted(scans, key=lambda s: s.scanned_at):
        if item.scan_id not in answers:
            answers[item.scan_id] = _sync_one(item, event_id=event_id, admin=admin, scanner=scanner, now=now)
    return [answers[item.scan_id] for item in scans]


def refuse_revoked(*, scanner: ScannerDevice, scans: list[OfflineScanIn]) -> list[OfflineScan]:
    """Keep the scans a revoked `scanner` uploads, admitting nobody: each answers `device_revoked` (once stored, as stored).

    They stay in the offline scans for staff to review: who was let in at that gate after all.
    """
    now = timezone.now()
    answers: dict[uuid.UUID, OfflineScan] = {}
    for item in scans:
        if item.scan_id in answers:
            continue
        answer = OfflineScan(
            scan_id=item.scan_id, event_id=scanner.event_id, admin=None, scanner=scanner, device=item.device,
            scanned_at=min(item.scanned_at, now), result=Result.DEVICE_REVOKED,
            registration_id=_known_registration(item.code),
        )
        OfflineScan.objects.bulk_create([answer], ignore_conflicts=True)
        answers[item.scan_id] = OfflineScan.objects.get(scan_id=item.scan_id)
    return [answers[item.scan_id] for item in scans]


def _known_registration(code: str) -> uuid.UUID | None:
    registration_id = qr.verify(code)
    if registration_id is None or not Registration.objects.filter(pk=registration_id).exists():
        return None
    return registration_id


def _sync_one(item: OfflineScanIn, *, event_id: uuid.UUID, admin, scanner, now: datetime.datetime) -> OfflineScan:
    previous = OfflineScan.objects.filter(scan_id=item.scan_id).first()
    if previous is not None:
        return previous
    # A device clock ahead of ours cannot admit anyone in the future.
    scanned_at = min(item.scanned_at, now)
    try:
        with transaction.atomic():
            answer = _judge_offline(item, scanned_at=scanned_at, event_id=event_id, admin=admin, scanner=scanner)
            answer.save(force_insert=True)
            return answer
    except IntegrityError:
        # The same scan uploaded concurrently: the other upload recorded it first.
        previous = OfflineScan.objects.filter(scan_id=item.scan_id).first()
        if previous is None:
            raise
        return previous


def _judge_offline(item: OfflineScanIn, *, scanned_at, event_id, admin, scanner) -> OfflineScan:
    answer = OfflineScan(
        scan_id=item.scan_id, event_id=event_id, admin=admin, scanner=scanner, device=item.device,
        scanned_at=scanned_at,
    )
    registration_id = qr.verify(item.code)
    if registration_id is None:
        answer.result = Result.INVALID
        return answer
    found = _lock(registration_id)
    if found is None:
        answer.result = Result.NOT_FOUND
        return answer
    scanned, _ = found
    answer.registration_id = registration_id
    refusal = _refusal(scanned, event_id)
    if refusal:
        answer.result = refusal
        return answer
    # Read after the lock, not from the locking statement's snapshot.
    existing = Checkin.objects.filter(registration_id=registration_id).first()
    if existing is None:
        _admit(
            registration_id=registration_id, admin=admin, scanner=scanner, at=scanned_at, device=item.device,
            scan_id=item.scan_id,
        )
        answer.result, answer.checked_in_at = Result.OK, scanned_at
    elif scanned_at < existing.checked_in_at:
        Checkin.objects.filter(pk=existing.pk).update(
            checked_in_at=scanned_at, device=item.device, admin=admin, scanner=scanner, scan_id=item.scan_id
        )
        answer.result, answer.checked_in_at = Result.OK, scanned_at
    else:
        answer.result, answer.checked_in_at = Result.ALREADY_CHECKED_IN, existing.checked_in_at
    return answer
