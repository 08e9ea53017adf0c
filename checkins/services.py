"""The check-in service: admit each paid ticket exactly once (DESIGN §2).

A scan verifies the code's signature first (a forged code costs no query),
then, in one transaction that locks the registration row, checks the event,
the status and earlier admissions, and records the admission. Offline scans
uploaded later go through the same rules, idempotent by the device's scan id;
the earliest admission wins.
"""

import dataclasses
import datetime
import uuid

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from registrations import qr
from registrations.models import Registration

from . import selectors
from .models import Checkin, OfflineScan

Result = OfflineScan.Result


@dataclasses.dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to one scan: a result code, the registration if one was found, and the admission if any."""

    result: str
    registration: Registration | None = None
    checkin: Checkin | None = None


def _locked_registration(registration_id: uuid.UUID) -> Registration | None:
    # FOR UPDATE OF the registration only: the outer joins are read, not locked. The joined
    # check-in is as of this statement's snapshot, which may predate a concurrent admission
    # that held the lock; _admit() settles that case.
    return (
        Registration.objects.select_related("user", "ticket", "checkin__admin")
        .only(
            "id", "event_id", "status", "user__full_name", "ticket__name",
            "checkin__id", "checkin__checked_in_at", "checkin__device", "checkin__scan_id",
            "checkin__admin__full_name", "checkin__admin__email",
        )
        .select_for_update(of=("self",))
        .filter(pk=registration_id)
        .first()
    )


def _refusal(registration: Registration, event_id: uuid.UUID) -> str | None:
    if registration.event_id != event_id:
        return Result.WRONG_EVENT
    if registration.status == Registration.Status.CANCELLED:
        return Result.CANCELLED
    if registration.status != Registration.Status.PAID:
        return Result.NOT_PAID
    return None


_INSERT = (
    "INSERT INTO checkins_checkin (id, registration_id, admin_id, checked_in_at, device, scan_id, created_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (registration_id) DO NOTHING RETURNING id"
)


def _admit(*, registration: Registration, admin, at: datetime.datetime, device: str, scan_id=None) -> Checkin | None:
    """Record the admission; return None when one already exists (the database keeps one per registration)."""
    checkin = Checkin(
        id=uuid.uuid4(), registration=registration, admin=admin, checked_in_at=at, device=device, scan_id=scan_id,
        created_at=timezone.now(),
    )
    fields = [Checkin._meta.get_field(name) for name in ("id", "registration", "admin", "checked_in_at", "device",
                                                         "scan_id", "created_at")]
    params = [field.get_db_prep_save(field.pre_save(checkin, add=True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, params)
        inserted = cursor.fetchone()
    return checkin if inserted else None


def scan(*, code: str, event_id: uuid.UUID, device: str, admin, now: datetime.datetime | None = None) -> Verdict:
    """Admit the ticket `code` to event `event_id` if it may enter; return the verdict."""
    registration_id = qr.verify(code)
    if registration_id is None:
        return Verdict(Result.INVALID)
    with transaction.atomic():
        registration = _locked_registration(registration_id)
        if registration is None:
            return Verdict(Result.NOT_FOUND)
        refusal = _refusal(registration, event_id)
        if refusal:
            return Verdict(refusal, registration)
        existing = selectors.checkin_of(registration)
        if existing is None:
            checkin = _admit(registration=registration, admin=admin, at=now or timezone.now(), device=device)
            if checkin is not None:
                return Verdict(Result.OK, registration, checkin)
            # A concurrent scan admitted it after our snapshot was taken (it held the lock we waited for).
            existing = Checkin.objects.select_related("admin").get(registration=registration)
        return Verdict(Result.ALREADY_CHECKED_IN, registration, existing)


@dataclasses.dataclass(frozen=True, slots=True)
class OfflineScanIn:
    scan_id: uuid.UUID
    code: str
    scanned_at: datetime.datetime
    device: str = ""


def sync(*, event_id: uuid.UUID, scans: list[OfflineScanIn], admin) -> list[OfflineScan]:
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
            answers[item.scan_id] = _sync_one(item, event_id=event_id, admin=admin, now=now)
    return [answers[item.scan_id] for item in scans]


def _sync_one(item: OfflineScanIn, *, event_id: uuid.UUID, admin, now: datetime.datetime) -> OfflineScan:
    previous = OfflineScan.objects.filter(scan_id=item.scan_id).first()
    if previous is not None:
        return previous
    # A device clock ahead of ours cannot admit anyone in the future.
    scanned_at = min(item.scanned_at, now)
    try:
        with transaction.atomic():
            answer = _judge_offline(item, scanned_at=scanned_at, event_id=event_id, admin=admin)
            answer.save(force_insert=True)
            return answer
    except IntegrityError:
        # The same scan uploaded concurrently: the other upload recorded it first.
        previous = OfflineScan.objects.filter(scan_id=item.scan_id).first()
        if previous is None:
            raise
        return previous


def _judge_offline(item: OfflineScanIn, *, scanned_at, event_id, admin) -> OfflineScan:
    answer = OfflineScan(
        scan_id=item.scan_id, event_id=event_id, admin=admin, device=item.device, scanned_at=scanned_at
    )
    registration_id = qr.verify(item.code)
    registration = _locked_registration(registration_id) if registration_id else None
    if registration_id is None:
        answer.result = Result.INVALID
        return answer
    if registration is None:
        answer.result = Result.NOT_FOUND
        return answer
    answer.registration = registration
    refusal = _refusal(registration, event_id)
    if refusal:
        answer.result = refusal
        return answer
    # Read after the lock, not from the locking statement's snapshot.
    existing = Checkin.objects.filter(registration=registration).first()
    if existing is None:
        _admit(registration=registration, admin=admin, at=scanned_at, device=item.device, scan_id=item.scan_id)
        answer.result, answer.checked_in_at = Result.OK, scanned_at
    elif scanned_at < existing.checked_in_at:
        Checkin.objects.filter(pk=existing.pk).update(
            checked_in_at=scanned_at, device=item.device, admin=admin, scan_id=item.scan_id
        )
        answer.result, answer.checked_in_at = Result.OK, scanned_at
    else:
        answer.result, answer.checked_in_at = Result.ALREADY_CHECKED_IN, existing.checked_in_at
    return answer
