"""Races at the door, with real threads, each on its own PostgreSQL connection."""

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import AdminFactory
from checkins import services
from checkins.models import Checkin, OfflineScan
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_ticket_scanned_at_ten_gates_at_once_is_admitted_once(race):
    assert connection.vendor == "postgresql"
    registration = RegistrationFactory(paid=True)
    staff = AdminFactory.create_batch(10)

    verdicts = race(
        [
            lambda n=n: services.scan(
                code=registration.qr_code, event_id=registration.event_id, device=f"gerbang-{n}", admin=staff[n]
            )
            for n in range(10)
        ]
    )

    results = [v.result for v in verdicts]
    assert results.count("ok") == 1
    assert results.count("already_checked_in") == 9
    checkin = Checkin.objects.get(registration=registration)
    winner = next(v for v in verdicts if v.result == "ok")
    assert checkin.device == winner.admission.device
    # Every loser names the winner: when, where and by whom.
    assert {v.admission for v in verdicts} == {winner.admission}
    assert winner.admission.checked_in_at == checkin.checked_in_at


def test_the_same_offline_batch_uploaded_twice_at_once_admits_once(race):
    registration = RegistrationFactory(paid=True)
    staff = AdminFactory()
    scan = services.OfflineScanIn(
        scan_id=uuid.uuid4(), code=registration.qr_code, scanned_at=timezone.now() - datetime.timedelta(minutes=2)
    )

    answers = race([lambda: services.sync(event_id=registration.event_id, scans=[scan], admin=staff)] * 6)

    assert {(a[0].result, a[0].checked_in_at) for a in answers} == {("ok", scan.scanned_at)}
    assert Checkin.objects.count() == 1
    assert OfflineScan.objects.count() == 1


def test_offline_uploads_and_live_scans_of_one_ticket_keep_one_earliest_admission(race):
    registration = RegistrationFactory(paid=True)
    staff = AdminFactory()
    earliest = timezone.now() - datetime.timedelta(minutes=30)
    offline = [
        services.OfflineScanIn(
            scan_id=uuid.uuid4(), code=registration.qr_code, scanned_at=earliest + datetime.timedelta(minutes=n), device=f"hp-{n}"
        )
        for n in range(5)
    ]
    calls = [lambda s=s: services.sync(event_id=registration.event_id, scans=[s], admin=staff) for s in offline]
    calls += [
        lambda: services.scan(code=registration.qr_code, event_id=registration.event_id, device="gerbang", admin=staff)
    ] * 5

    race(calls)

    checkin = Checkin.objects.get(registration=registration)
    assert (checkin.checked_in_at, checkin.device) == (earliest, "hp-0")
