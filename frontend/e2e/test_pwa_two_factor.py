"""Two-factor login in the PWA (issue 11): a staff member who must use it sets up the app on first login,
and the next login asks for the code (a recovery code here, used once)."""

import pytest
from harness import PASSWORD, app_url

pytestmark = pytest.mark.e2e


def _code(device) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _login(page, base_url, email, code=None):
    page.goto(app_url(base_url, "auth/login"))
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    if code is not None:
        page.get_by_test_id("login-code").fill(code)
        page.get_by_test_id("login-submit").click()


def test_staff_set_up_the_app_on_first_login_then_log_in_with_a_code(page, browser, base_url, settings, staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.STAFF_REQUIRE_2FA = True
    _login(page, base_url, staff.email)
    page.wait_for_url(lambda url: "/auth/two-factor" in url)
    page.get_by_test_id("two-factor-qr").wait_for()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    page.get_by_test_id("two-factor-code").fill(_code(device))
    page.get_by_test_id("two-factor-confirm").click()
    page.get_by_test_id("recovery-codes").wait_for()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_test_id("two-factor-continue").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/app/admin"))

    # A fresh browser: the login asks for the second step; a wrong code is refused, a recovery code works once.
    other = browser.new_context(base_url=base_url, locale="en-US")
    second = other.new_page()
    _login(second, base_url, staff.email, code="999999")
    second.get_by_test_id("login-error").wait_for()
    second.wait_for_timeout(1500)  # each wrong code makes the next wait a second before it is even compared
    second.get_by_test_id("login-code").fill(codes[0])
    second.get_by_test_id("login-submit").click()
    second.wait_for_url(lambda url: url.rstrip("/").endswith("/app/admin"))
    second.get_by_test_id("nav-admin").wait_for()
    other.close()
