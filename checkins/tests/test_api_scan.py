"""checkins/scan/: verdicts with their statuses and the one answer shape."""

import uuid

import pytest

from checkins.models import Checkin
from events.tests.factories import EventFactory
from registrations import qr
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

SCAN = "/api/v1/checkins/scan/"


def _post(client, registration, **overrides):
    body = {"code": registration.qr_code, "event": str(registration.event_id), "device": "gerbang-1", **overrides}
    return client.post(SCAN, body, format="json")


def test_ok_is_201_with_attendee_and_ticket(client_for, staff):
    registration = RegistrationFactory(paid=True)
    response = _post(client_for(staff), registration)
    assert response.status_code == 201
    body = response.json()
    assert body["result"] == "ok" and body["detail"]
    assert body["registration"] == {
        "id": str(registration.pk),
        "event": str(registration.event_id),
        "status": "paid",
        "attendee_name": registration.user.full_name,
        "ticket_name": registration.ticket.name,
    }
    assert Checkin.objects.get().admin == staff


def test_already_checked_in_is_409_with_when_where_and_by_whom(client_for, staff):
    registration = RegistrationFactory(paid=True)
    client = client_for(staff)
    _post(client, registration)
    response = _post(client, registration, device="gerbang-2")
    assert response.status_code == 409
    body = response.json()
    checkin = Checkin.objects.get()
    assert body["result"] == "already_checked_in"
    assert body["checked_in_by"] == staff.full_name
    assert body["device"] == "gerbang-1"
    assert body["checked_in_at"].endswith("+07:00")
    assert body["registration"]["attendee_name"] == registration.user.full_name
    assert Checkin.objects.count() == 1 and checkin.device == "gerbang-1"


@pytest.mark.parametrize(
    "make, result, status",
    [
        (lambda: RegistrationFactory(), "not_paid", 409),
        (lambda: RegistrationFactory(status=Registration.Status.CANCELLED, expires_at=None), "cancelled", 409),
    ],
)
def test_refused_tickets_are_409_with_the_registration(client_for, staff, make, result, status):
    registration = make()
    response = _post(client_for(staff), registration)
    assert response.status_code == status
    assert response.json()["result"] == result
    assert response.json()["registration"]["id"] == str(registration.pk)
    assert not Checkin.objects.exists()


def test_wrong_event_is_409(client_for, staff):
    registration = RegistrationFactory(paid=True)
    response = _post(client_for(staff), registration, event=str(EventFactory().pk))
    assert response.status_code == 409
    assert response.json()["result"] == "wrong_event"


def test_tampered_code_is_400_invalid_without_registration(client_for, staff):
    registration = RegistrationFactory(paid=True)
    response = _post(client_for(staff), registration, code=registration.qr_code[:-2] + "zz")
    assert response.status_code == 400
    assert set(response.json()) == {"result", "detail"} and response.json()["result"] == "invalid"


def test_unknown_registration_is_404_not_found(client_for, staff):
    registration = RegistrationFactory(paid=True)
    response = _post(client_for(staff), registration, code=qr.sign(uuid.uuid4()))
    assert response.status_code == 404
    assert response.json()["result"] == "not_found"


def test_malformed_request_is_400_invalid_with_fields(client_for, staff):
    response = client_for(staff).post(SCAN, {"code": "EH1.x.y", "event": "bukan-uuid"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["result"] == "invalid" and body["code"] == "invalid" and "event" in body["fields"]


def test_scanning_is_for_admins_only(client_for, api_client, user):
    registration = RegistrationFactory(paid=True, user=user)
    assert _post(api_client, registration).status_code == 401
    response = _post(client_for(user), registration)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Checkin.objects.exists()


def test_a_demoted_admin_is_refused_at_the_gate_within_ten_seconds(client_for, staff, monkeypatch):
    import accounts.authentication

    clock = [1000.0]
    monkeypatch.setattr(accounts.authentication.time, "monotonic", lambda: clock[0])
    first, second = RegistrationFactory(paid=True), RegistrationFactory(paid=True)
    client = client_for(staff)
    assert _post(client, first).status_code == 201
    staff.role = "user"
    staff.save()
    clock[0] += 11
    response = _post(client, second)
    assert response.status_code == 403
    assert Checkin.objects.count() == 1
