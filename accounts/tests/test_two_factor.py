"""Two-factor login for staff: enrolment, the login's second step, recovery codes, STAFF_REQUIRE_2FA (issue 11)."""

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import twofactor
from accounts.tests.factories import AdminFactory, UserFactory
from events.models import EventMember
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

PASSWORD = "tiket-rahasia-123"
LOGIN = "/api/v1/auth/login/"


def _code(device: TOTPDevice, *, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift = drift
    return f"{totp.token():0{device.digits}d}"


def _enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = twofactor.start_enrolment(user=user)
    return twofactor.confirm_enrolment(user=user, code=_code(device))


def _login(email, **extra):
    return APIClient().post(LOGIN, {"email": email, "password": PASSWORD, **extra}, format="json")


def test_enrolling_through_the_api_shows_the_qr_then_recovery_codes_once_and_a_verified_pair(client_for):
    admin = AdminFactory()
    client = client_for(admin)
    started = client.post("/api/v1/auth/two-factor/enrol/")
    assert started.status_code == 201
    assert started.json()["otpauth_url"].startswith("otpauth://totp/") and "<svg" in started.json()["qr_svg"]
    device = TOTPDevice.objects.get(user=admin)

    wrong = client.post("/api/v1/auth/two-factor/confirm/", {"code": "000000" if _code(device) != "000000" else "111111"},
                        format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "otp_invalid"
    confirmed = client.post("/api/v1/auth/two-factor/confirm/", {"code": _code(device)}, format="json")
    assert confirmed.status_code == 200
    assert len(confirmed.json()["recovery_codes"]) == 10
    status = APIClient()
    status.credentials(HTTP_AUTHORIZATION=f"Bearer {confirmed.json()['access']}")
    assert status.get("/api/v1/auth/two-factor/").json() == {"required": False, "enrolled": True, "verified": True}
    again = client.post("/api/v1/auth/two-factor/enrol/")
    assert again.status_code == 409 and again.json()["code"] == "already_enrolled"


def test_login_asks_for_the_code_refuses_a_wrong_one_and_takes_a_right_one():
    admin = AdminFactory()
    device, _ = _enrolled(admin)

    missing = _login(admin.email)
    assert missing.status_code == 401 and missing.json()["code"] == "otp_required"
    wrong = _login(admin.email, code="12345")
    assert wrong.status_code == 401 and wrong.json()["code"] == "otp_invalid"
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code throttled the device for a second
    right = _login(admin.email, code=_code(device, drift=1))
    assert right.status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {right.json()['access']}")
    assert api.get("/api/v1/auth/two-factor/").json()["verified"] is True
    # The same code cannot be replayed.
    assert _login(admin.email, code=_code(device, drift=1)).json()["code"] == "otp_invalid"


def test_a_recovery_code_logs_in_once():
    admin = AdminFactory()
    _, codes = _enrolled(admin)
    assert _login(admin.email, code=codes[0].upper()).status_code == 200
    assert _login(admin.email, code=codes[1]).status_code == 200
    assert _login(admin.email, code=codes[0]).json()["code"] == "otp_invalid"


def test_guessing_codes_is_throttled(settings):
    settings.AUTH_THROTTLE_RATE = "5/minute"
    admin = AdminFactory()
    _enrolled(admin)
    statuses = [_login(admin.email, code=f"{n:06d}").status_code for n in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429


def test_the_device_itself_slows_down_after_a_wrong_code():
    admin = AdminFactory()
    device, _ = _enrolled(admin)
    assert twofactor.verify(user=admin, code="000000" if _code(device) != "000000" else "111111") is None
    # Within the throttle delay even the right code is not compared.
    assert twofactor.verify(user=admin, code=_code(device, drift=1)) is None


def test_staff_require_2fa_keeps_unverified_staff_from_the_staff_api(settings):
    settings.STAFF_REQUIRE_2FA = True
    admin, manager, attendee = AdminFactory(), UserFactory(), UserFactory()
    event = EventFactory()
    EventMember.objects.create(event=event, user=manager, role=EventMember.Role.MANAGER)

    for user in (admin, manager):
        pair = _login(user.email)
        assert pair.status_code == 200  # to enrol, they log in first
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.json()['access']}")
        refused = api.get("/api/v1/checkins/")
        assert refused.status_code == 403 and refused.json()["code"] == "two_factor_required"
        assert api.get("/api/v1/auth/me/").status_code == 200
        assert api.get("/api/v1/auth/two-factor/").json() == {"required": True, "enrolled": False, "verified": False}
        device = TOTPDevice.objects.get(pk=twofactor.start_enrolment(user=user).pk)
        confirmed = api.post("/api/v1/auth/two-factor/confirm/", {"code": _code(device)}, format="json").json()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {confirmed['access']}")
        assert api.get("/api/v1/checkins/").status_code == 200
        # Refreshing keeps the second factor.
        refreshed = APIClient().post("/api/v1/auth/refresh/", {"refresh": confirmed["refresh"]}, format="json").json()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed['access']}")
        assert api.get("/api/v1/checkins/").status_code == 200
    # Attendees are not staff: nothing changes for them.
    assert _login(attendee.email).status_code == 200


def test_staff_require_2fa_sends_unverified_staff_from_the_admin_to_the_two_factor_page(settings):
    settings.STAFF_REQUIRE_2FA = True
    admin = AdminFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)

    assert client.get("/admin/").status_code == 302
    to_login = client.get("/admin/login/?next=/admin/")
    assert to_login.status_code == 302 and to_login["Location"].startswith("/accounts/two-factor/")
    page = client.get("/accounts/two-factor/?next=/admin/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    done = client.post("/accounts/two-factor/", {"code": _code(device), "next": "/admin/"})
    assert done.status_code == 200 and len(done.context["recovery_codes"]) == 10
    assert client.get("/admin/").status_code == 200

    # A new session asks for the code again.
    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    fresh.force_login(admin)
    assert fresh.get("/admin/").status_code == 302
    wrong = fresh.post("/accounts/two-factor/", {"code": "abc", "next": "/admin/"})
    assert wrong.status_code == 200 and fresh.get("/admin/").status_code == 302
    StaticDevice.objects.get(user=admin).throttle_reset()  # the wrong code throttled the recovery codes
    assert fresh.post("/accounts/two-factor/", {"code": done.context["recovery_codes"][0],
                                                 "next": "/admin/"}).status_code == 302
    assert fresh.get("/admin/").status_code == 200


def test_paired_devices_need_no_second_factor(settings, client_for):
    from checkins import devices

    settings.STAFF_REQUIRE_2FA = True
    event = EventFactory()
    _, code = devices.start_pairing(event=event, name="Gerbang 1", by=None)
    _, credential = devices.pair(code=code)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {credential}")
    assert client.get(f"/api/v1/checkins/manifest/?event={event.pk}").status_code == 200
