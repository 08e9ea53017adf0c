"""checkins/: the list of admissions for admins."""

import pytest

from checkins.tests.factories import CheckinFactory

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/checkins/"


def test_admin_lists_admissions_of_an_event(client_for, staff):
    wanted = CheckinFactory(admin=staff, device="gerbang-3")
    CheckinFactory()
    body = client_for(staff).get(CHECKINS, {"event": str(wanted.registration.event_id)}).json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["registration"] == str(wanted.registration_id)
    assert row["attendee_name"] == wanted.registration.user.full_name
    assert (row["checked_in_by"], row["device"]) == (staff.full_name, "gerbang-3")
    assert row["checked_in_at"].endswith("+07:00")


def test_admin_filters_by_device_and_sees_all_without_filters(client_for, staff):
    CheckinFactory(device="a")
    CheckinFactory(device="b")
    client = client_for(staff)
    assert client.get(CHECKINS).json()["count"] == 2
    assert [r["device"] for r in client.get(CHECKINS, {"device": "b"}).json()["results"]] == ["b"]
    assert client.get(CHECKINS, {"event": "x"}).status_code == 400


def test_admissions_are_for_admins_only(client_for, api_client, user):
    CheckinFactory()
    assert api_client.get(CHECKINS).status_code == 401
    assert client_for(user).get(CHECKINS).status_code == 403
