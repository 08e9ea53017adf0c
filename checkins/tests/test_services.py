"""The check-in service: every verdict, key rotation, offline sync with the earliest admission kept."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkins import services
from checkins.models import Checkin, OfflineScan
from checkins.services import OfflineScanIn
from checkins.tests.factories import CheckinFactory
from events.tests.factories import EventFactory
from registrations import qr
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

OLD_KEY = "kunci-lama-" + "a" * 32
NEW_KEY = "kunci-baru-" + "b" * 32


def _scan(registration, staff, *, code=None, event_id=None, device="gerbang-1"):
    return services.scan(
        code=registration.qr_code if code is None else code, event_id=event_id or registration.event_id, device=device, admin=staff
    )


def test_a_paid_ticket_is_admitted_once(staff):
    registration = RegistrationFactory(paid=True)
    verdict = _scan(registration, staff)
    assert verdict.result == "ok"
    checkin = Checkin.objects.get(registration=registration)
    assert (checkin.admin, checkin.device, checkin.scan_id) == (staff, "gerbang-1", None)
    again = _scan(registration, staff, device="gerbang-2")
    assert again.result == "already_checked_in"
    assert again.admission == services.Admission(checkin.checked_in_at, "gerbang-1", staff.full_name)
    assert again.scanned.attendee_name == registration.user.full_name
    assert again.scanned.ticket_name == registration.ticket.name
    assert Checkin.objects.count() == 1


def test_a_tampered_code_is_invalid_without_touching_the_database(staff):
    registration = RegistrationFactory(paid=True)
    code = registration.qr_code
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    with CaptureQueriesContext(connection) as queries:
        verdict = _scan(registration, staff, code=tampered)
    assert verdict.result == "invalid"
    assert len(queries) == 0
    for garbage in ("", "EH1..", "https://contoh.id", "EH1." + "x" * 200):
        assert _scan(registration, staff, code=garbage).result == "invalid"
    assert not Checkin.objects.exists()


def test_a_code_signed_with_a_retired_key_is_accepted_while_listed(staff, settings):
    settings.QR_SIGNING_KEYS = [OLD_KEY]
    registration = RegistrationFactory(paid=True)
    old_code = registration.qr_code
    settings.QR_SIGNING_KEYS = [NEW_KEY, OLD_KEY]
    assert qr.sign(registration.id) != old_code
    assert _scan(registration, staff, code=old_code).result == "ok"
    settings.QR_SIGNING_KEYS = [NEW_KEY]
    assert _scan(registration, staff, code=old_code).result == "invalid"


def test_a_validly_signed_code_without_a_registration_is_not_found(staff):
    event = EventFactory()
    verdict = services.scan(code=qr.sign(uuid.uuid4()), event_id=event.pk, device="", admin=staff)
    assert verdict.result == "not_found"


def test_a_ticket_for_another_event_is_wrong_event(staff):
    registration = RegistrationFactory(paid=True)
    verdict = _scan(registration, staff, event_id=EventFactory().pk)
    assert verdict.result == "wrong_event"
    assert verdict.scanned.registration_id == registration.pk
    assert not Checkin.objects.exists()


def test_pending_and_cancelled_tickets_do_not_enter(staff):
    pending = RegistrationFactory()
    cancelled = RegistrationFactory(status=Registration.Status.CANCELLED, expires_at=None)
    assert _scan(pending, staff).result == "not_paid"
    assert _scan(cancelled, staff).result == "cancelled"
    assert not Checkin.objects.exists()


def _statements(queries) -> list[str]:
    # In a test the service's transaction is a savepoint; in production it is BEGIN … COMMIT.
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


def test_a_scan_takes_one_locking_select_and_one_insert(staff):
    registration = RegistrationFactory(paid=True)
    with CaptureQueriesContext(connection) as queries:
        _scan(registration, staff)
    first = _statements(queries)
    assert len(first) == 2, first
    # SQLite has no row locks (its writers take turns): the same SELECT, without FOR UPDATE.
    assert ("FOR UPDATE" in first[0]) == (connection.vendor == "postgresql") and first[1].startswith("INSERT")
    with CaptureQueriesContext(connection) as queries:
        _scan(registration, staff)
    assert len(_statements(queries)) == 1


def _offline(registration, at, *, device="hp-1", scan_id=None):
    return OfflineScanIn(scan_id=scan_id or uuid.uuid4(), code=registration.qr_code, scanned_at=at, device=device)


def test_sync_admits_and_a_repeated_scan_id_answers_the_same(staff):
    registration = RegistrationFactory(paid=True)
    at = timezone.now() - datetime.timedelta(minutes=5)
    scan = _offline(registration, at)
    [first] = services.sync(event_id=registration.event_id, scans=[scan], admin=staff)
    assert (first.result, first.checked_in_at) == ("ok", at)
    [again] = services.sync(event_id=registration.event_id, scans=[scan], admin=staff)
    assert (again.result, again.checked_in_at) == ("ok", at)
    checkin = Checkin.objects.get()
    assert (checkin.checked_in_at, checkin.scan_id, checkin.device) == (at, scan.scan_id, "hp-1")
    assert OfflineScan.objects.count() == 1


def test_sync_of_one_ticket_on_two_devices_keeps_the_earliest(staff):
    registration = RegistrationFactory(paid=True)
    early = timezone.now() - datetime.timedelta(minutes=10)
    late = early + datetime.timedelta(minutes=3)
    # The later scan is uploaded first; the earlier one arrives afterwards and wins.
    [late_answer] = services.sync(event_id=registration.event_id, scans=[_offline(registration, late, device="hp-2")], admin=staff)
    assert late_answer.result == "ok"
    [early_answer] = services.sync(event_id=registration.event_id, scans=[_offline(registration, early)], admin=staff)
    assert (early_answer.result, early_answer.checked_in_at) == ("ok", early)
    checkin = Checkin.objects.get()
    assert (checkin.checked_in_at, checkin.device) == (early, "hp-1")
    [third] = services.sync(event_id=registration.event_id, scans=[_offline(registration, late, device="hp-3")], admin=staff)
    assert (third.result, third.checked_in_at) == ("already_checked_in", early)


def test_sync_in_one_batch_answers_the_later_scan_as_duplicate_with_the_winners_time(staff):
    registration = RegistrationFactory(paid=True)
    early = timezone.now() - datetime.timedelta(minutes=10)
    late = early + datetime.timedelta(seconds=30)
    answers = services.sync(
        event_id=registration.event_id,
        scans=[_offline(registration, late, device="hp-2"), _offline(registration, early, device="hp-1")],
        admin=staff,
    )
    assert [(a.result, a.checked_in_at) for a in answers] == [("already_checked_in", early), ("ok", early)]
    assert Checkin.objects.get().device == "hp-1"


def test_an_online_admission_earlier_than_the_offline_scan_wins(staff):
    checkin = CheckinFactory(checked_in_at=timezone.now() - datetime.timedelta(minutes=20))
    registration = checkin.registration
    [answer] = services.sync(
        event_id=registration.event_id, scans=[_offline(registration, timezone.now() - datetime.timedelta(minutes=1))], admin=staff
    )
    assert (answer.result, answer.checked_in_at) == ("already_checked_in", checkin.checked_in_at)
    assert Checkin.objects.get().checked_in_at == checkin.checked_in_at


def test_sync_refuses_what_a_scan_refuses(staff):
    paid = RegistrationFactory(paid=True)
    pending = RegistrationFactory(ticket=paid.ticket)
    cancelled = RegistrationFactory(ticket=paid.ticket, status=Registration.Status.CANCELLED, expires_at=None)
    other_event = RegistrationFactory(paid=True)
    at = timezone.now()
    scans = [
        _offline(pending, at),
        _offline(cancelled, at),
        _offline(other_event, at),
        OfflineScanIn(scan_id=uuid.uuid4(), code="EH1.palsu.palsu", scanned_at=at),
        OfflineScanIn(scan_id=uuid.uuid4(), code=qr.sign(uuid.uuid4()), scanned_at=at),
    ]
    answers = services.sync(event_id=paid.event_id, scans=scans, admin=staff)
    assert [a.result for a in answers] == ["not_paid", "cancelled", "wrong_event", "invalid", "not_found"]
    assert not Checkin.objects.exists()


def test_a_scan_from_the_future_is_admitted_now(staff):
    registration = RegistrationFactory(paid=True)
    future = timezone.now() + datetime.timedelta(days=1)
    [answer] = services.sync(event_id=registration.event_id, scans=[_offline(registration, future)], admin=staff)
    assert answer.result == "ok"
    assert Checkin.objects.get().checked_in_at <= timezone.now()
