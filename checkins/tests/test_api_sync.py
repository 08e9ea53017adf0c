"""checkins/sync/: offline scans uploaded in batches, idempotent, earliest admission wins."""

import datetime
import uuid

import pytest
from django.utils import timezone

from checkins.models import Checkin
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/checkins/sync/"


def _scan(registration, at, device="hp-1"):
    return {"scan_id": str(uuid.uuid4()), "code": registration.qr_code, "scanned_at": at.isoformat(), "device": device}


def test_the_same_scan_uploaded_twice_answers_the_same(client_for, staff):
    registration = RegistrationFactory(paid=True)
    at = timezone.now() - datetime.timedelta(minutes=3)
    payload = {"event": str(registration.event_id), "scans": [_scan(registration, at)]}
    client = client_for(staff)
    first = client.post(SYNC, payload, format="json")
    assert first.status_code == 200
    [result] = first.json()["results"]
    assert result["scan_id"] == payload["scans"][0]["scan_id"] and result["result"] == "ok"
    assert datetime.datetime.fromisoformat(result["checked_in_at"]) == at
    assert client.post(SYNC, payload, format="json").json() == first.json()
    assert Checkin.objects.count() == 1


def test_one_ticket_on_two_devices_is_one_admission_and_one_duplicate_with_the_winners_time(client_for, staff):
    registration = RegistrationFactory(paid=True)
    early = timezone.now() - datetime.timedelta(minutes=9)
    client = client_for(staff)
    late_upload = client.post(
        SYNC, {"event": str(registration.event_id), "scans": [_scan(registration, early + datetime.timedelta(minutes=4), "hp-2")]}, format="json"
    ).json()["results"][0]
    early_upload = client.post(
        SYNC, {"event": str(registration.event_id), "scans": [_scan(registration, early, "hp-1")]}, format="json"
    ).json()["results"][0]
    assert late_upload["result"] == "ok" and early_upload["result"] == "ok"
    checkin = Checkin.objects.get()
    assert (checkin.checked_in_at, checkin.device) == (early, "hp-1")
    # A third device, later still: a duplicate that names the winner's time.
    third = client.post(
        SYNC, {"event": str(registration.event_id), "scans": [_scan(registration, early + datetime.timedelta(minutes=5), "hp-3")]}, format="json"
    ).json()["results"][0]
    assert third["result"] == "already_checked_in"
    assert datetime.datetime.fromisoformat(third["checked_in_at"]) == early


def test_results_follow_the_request_order_with_refusals(client_for, staff):
    paid = RegistrationFactory(paid=True)
    pending = RegistrationFactory(ticket=paid.ticket)
    now = timezone.now()
    scans = [_scan(pending, now), {**_scan(paid, now), "code": "palsu"}, _scan(paid, now - datetime.timedelta(seconds=5))]
    body = client_for(staff).post(SYNC, {"event": str(paid.event_id), "scans": scans}, format="json").json()
    assert [(r["scan_id"], r["result"]) for r in body["results"]] == [
        (scans[0]["scan_id"], "not_paid"),
        (scans[1]["scan_id"], "invalid"),
        (scans[2]["scan_id"], "ok"),
    ]
    assert "checked_in_at" not in body["results"][0]


def test_a_malformed_batch_is_400_and_changes_nothing(client_for, staff):
    registration = RegistrationFactory(paid=True)
    good = _scan(registration, timezone.now())
    bad = {**_scan(registration, timezone.now()), "scan_id": "bukan-uuid"}
    response = client_for(staff).post(SYNC, {"event": str(registration.event_id), "scans": [good, bad]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "scans" in response.json()["fields"]
    assert not Checkin.objects.exists()


def test_an_unknown_event_is_404(client_for, staff):
    registration = RegistrationFactory(paid=True)
    response = client_for(staff).post(
        SYNC, {"event": str(uuid.uuid4()), "scans": [_scan(registration, timezone.now())]}, format="json"
    )
    assert response.status_code == 404


def test_sync_is_for_admins_only(client_for, user):
    registration = RegistrationFactory(paid=True)
    payload = {"event": str(registration.event_id), "scans": [_scan(registration, timezone.now())]}
    assert client_for(user).post(SYNC, payload, format="json").status_code == 403
    assert not Checkin.objects.exists()
