"""Paired scanner devices: pairing codes, the device credential, its scope, revocation (issue 11)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from checkins import devices
from checkins.models import Checkin, OfflineScan, PairingCode, ScannerDevice
from events.models import EventMember
from events.tests.factories import EventFactory
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

PAIR = "/api/v1/devices/pair/"
SCAN = "/api/v1/checkins/scan/"
SYNC = "/api/v1/checkins/sync/"


def _manager(event):
    manager = UserFactory()
    EventMember.objects.create(event=event, user=manager, role=EventMember.Role.MANAGER)
    return manager


def _device_client(credential: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {credential}")
    return client


def _pair(client_for, event, name="Gerbang Utara 2"):
    """Pair a device as a phone would: the manager asks for a code, the phone trades it."""
    issued = client_for(_manager(event)).post(f"/api/v1/events/{event.slug}/devices/", {"name": name}, format="json")
    assert issued.status_code == 201
    paired = APIClient().post(PAIR, {"code": issued.json()["code"]}, format="json")
    assert paired.status_code == 201, paired.json()
    return issued.json(), paired.json()


def _offline(registration, minutes_ago=5):
    at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return {"scan_id": str(uuid.uuid4()), "code": registration.qr_code, "scanned_at": at.isoformat()}


def test_a_pairing_code_pairs_one_device_named_by_staff_and_only_its_hash_is_kept(client_for):
    event = EventFactory()
    issued, paired = _pair(client_for, event)
    assert len(issued["code"]) == 8 and issued["code"] in issued["pair_url"] and "<svg" in issued["qr_svg"]
    assert paired["device"]["name"] == "Gerbang Utara 2" and paired["event"]["slug"] == event.slug
    assert paired["credential"].startswith("EHD1.")
    # Neither the code nor the credential is stored, only their hashes.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM checkins_pairingcode")
        rows = str(cursor.fetchall())
        cursor.execute("SELECT * FROM checkins_scannerdevice")
        rows += str(cursor.fetchall())
    assert issued["code"] not in rows and paired["credential"] not in rows
    again = APIClient().post(PAIR, {"code": issued["code"]}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid_pairing_code"
    assert ScannerDevice.objects.count() == 1


def test_a_pairing_code_typed_in_lower_case_with_a_dash_pairs():
    event = EventFactory()
    _, code = devices.start_pairing(event=event, name="Pintu B", by=None)
    device, _ = devices.pair(code=f"{code[:4].lower()}-{code[4:]}")
    assert device.event == event


def test_a_pairing_code_older_than_ten_minutes_is_refused():
    event = EventFactory()
    _, code = devices.start_pairing(event=event, name="Pintu B", by=None,
                                    now=timezone.now() - datetime.timedelta(minutes=10, seconds=1))
    response = APIClient().post(PAIR, {"code": code}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_pairing_code"
    assert not ScannerDevice.objects.exists()


def test_guessing_pairing_codes_is_throttled(settings):
    settings.AUTH_THROTTLE_RATE = "3/minute"
    statuses = [APIClient().post(PAIR, {"code": "AAAAAAAA"}, format="json").status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_a_device_scans_manifests_and_syncs_its_own_event_only_and_nothing_else(client_for):
    event, other = EventFactory(), EventFactory()
    _, paired = _pair(client_for, event)
    client = _device_client(paired["credential"])
    registration = RegistrationFactory(ticket__event=event, paid=True)

    scanned = client.post(SCAN, {"code": registration.qr_code, "event": str(event.pk)}, format="json")
    assert scanned.status_code == 201 and scanned.json()["result"] == "ok"
    checkin = Checkin.objects.get(registration=registration)
    assert checkin.scanner_id == uuid.UUID(paired["device"]["id"]) and checkin.admin is None
    assert checkin.device == "Gerbang Utara 2"
    again = client.post(SCAN, {"code": registration.qr_code, "event": str(event.pk)}, format="json")
    assert again.json()["checked_in_by"] == "Gerbang Utara 2"
    assert client.get(f"/api/v1/checkins/manifest/?event={event.pk}").status_code == 200

    assert client.get(f"/api/v1/checkins/manifest/?event={other.pk}").status_code == 404
    assert client.post(SCAN, {"code": registration.qr_code, "event": str(other.pk)}, format="json").status_code == 404
    for url in (f"/api/v1/events/{event.slug}/stats/", "/api/v1/checkins/", "/api/v1/registrations/",
                "/api/v1/auth/me/", f"/api/v1/events/{event.slug}/devices/", "/api/v1/files/"):
        assert client.get(url).status_code == 401, url

    device = ScannerDevice.objects.get()
    assert device.scans == 2 and device.last_sync_at is not None and device.last_seen_at is not None


def test_a_revoked_device_is_refused_at_once_and_its_queued_scans_are_kept_for_staff(client_for):
    event = EventFactory()
    manager = _manager(event)
    _, paired = _pair(client_for, event)
    client = _device_client(paired["credential"])
    registration = RegistrationFactory(ticket__event=event, paid=True)
    queued = [_offline(registration), _offline(RegistrationFactory(ticket__event=event, paid=True))]

    staff = client_for(manager)
    revoked = staff.post(f"/api/v1/events/{event.slug}/devices/{paired['device']['id']}/revoke/", {}, format="json")
    assert revoked.status_code == 200 and revoked.json()["is_revoked"]

    scan = client.post(SCAN, {"code": registration.qr_code, "event": str(event.pk)}, format="json")
    assert scan.status_code == 401 and scan.json()["code"] == "device_revoked"
    assert scan.json()["result"] == "device_revoked"
    assert client.get(f"/api/v1/checkins/manifest/?event={event.pk}").json()["code"] == "device_revoked"
    sync = client.post(SYNC, {"event": str(event.pk), "scans": queued}, format="json")
    assert sync.status_code == 401 and sync.json()["code"] == "device_revoked"
    assert [r["result"] for r in sync.json()["results"]] == ["device_revoked", "device_revoked"]
    assert not Checkin.objects.exists()
    # The same upload again answers the same, and nothing is stored twice.
    assert client.post(SYNC, {"event": str(event.pk), "scans": queued}, format="json").json() == sync.json()

    listed = staff.get(f"/api/v1/events/{event.slug}/devices/").json()["results"]
    assert listed[0]["refused_scans"] == 2 and listed[0]["revoked_at"]
    review = staff.get(f"/api/v1/events/{event.slug}/devices/{paired['device']['id']}/scans/").json()["results"]
    assert {row["result"] for row in review} == {"device_revoked"}
    assert registration.user.full_name in {row["attendee_name"] for row in review}
    assert OfflineScan.objects.filter(result="device_revoked").count() == 2


def test_a_wrong_device_credential_is_401_device_not_valid():
    event = EventFactory()
    response = _device_client("EHD1.salah").get(f"/api/v1/checkins/manifest/?event={event.pk}")
    assert response.status_code == 401 and response.json()["code"] == "device_not_valid"


def test_a_manager_of_another_event_neither_sees_nor_revokes_its_devices(client_for):
    event = EventFactory()
    _, paired = _pair(client_for, event)
    stranger = client_for(_manager(EventFactory()))
    assert stranger.get(f"/api/v1/events/{event.slug}/devices/").status_code == 404
    revoke = stranger.post(f"/api/v1/events/{event.slug}/devices/{paired['device']['id']}/revoke/", {}, format="json")
    assert revoke.status_code == 404
    assert not ScannerDevice.objects.get().is_revoked


def test_the_admin_add_page_shows_the_pairing_code_and_qr_and_revokes(client):
    event = EventFactory()
    manager = _manager(event)
    client.force_login(manager)
    page = client.post("/admin/checkins/scannerdevice/add/", {"event": str(event.pk), "name": "Gerbang Barat"})
    assert page.status_code == 200
    code = page.context["code"]
    assert code in page.content.decode() and "<svg" in page.content.decode()
    device, _ = devices.pair(code=code)
    response = client.post("/admin/checkins/scannerdevice/",
                           {"action": "revoke", "_selected_action": [str(device.pk)]})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.is_revoked and device.revoked_by == manager
    assert PairingCode.objects.get().device == device


@pytest.mark.django_db(transaction=True)
def test_one_pairing_code_used_by_five_phones_at_once_pairs_one(race):
    event = EventFactory()
    _, code = devices.start_pairing(event=event, name="Pintu A", by=None)

    def attempt():
        try:
            return devices.pair(code=code)[0].pk
        except devices.DeviceError as error:
            return error.code

    outcomes = race([attempt] * 5)
    assert sorted(map(str, outcomes)).count("invalid_pairing_code") == 4
    assert ScannerDevice.objects.count() == 1


def test_pairing_sets_an_httponly_cookie_the_door_endpoints_accept(client_for):
    event = EventFactory()
    issued = client_for(_manager(event)).post(f"/api/v1/events/{event.slug}/devices/", {"name": "HP"}, format="json")
    phone = APIClient()
    paired = phone.post(PAIR, {"code": issued.json()["code"]}, format="json")
    cookie = paired.cookies["eh_device"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/api/v1/checkins/"
    assert phone.get(f"/api/v1/checkins/manifest/?event={event.pk}").status_code == 200
    assert phone.get("/api/v1/registrations/").status_code == 401
