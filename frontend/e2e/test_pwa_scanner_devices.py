"""Paired door scanners in a browser (issue 11): staff add a scanner, a phone pairs by scanning the
pairing QR code, scans online and offline, syncs; after revocation its next sync is refused and
its scans are shown to the staff."""

import pytest
from harness import app_url, login, rescan, wait_for_verdict

pytestmark = pytest.mark.e2e


def test_a_phone_pairs_by_qr_scans_offline_syncs_and_is_refused_once_revoked(
    page, browser, camera, base_url, settings, staff, concert, paid_ticket
):
    from checkins.models import Checkin, OfflineScan, ScannerDevice

    settings.SITE_URL = base_url
    first, second, third = paid_ticket("Budi Santoso"), paid_ticket("Citra Lestari"), paid_ticket("Dewi Anggraini")

    # Staff add a scanner on the event's page: a pairing QR code and its short code.
    login(page, base_url, staff.email)
    page.goto(app_url(base_url, f"admin/events/{concert.slug}"))
    page.get_by_test_id("scanner-name").fill("Gerbang Utara 2")
    page.get_by_test_id("add-scanner").get_by_role("button").click()
    page.get_by_test_id("pairing-qr").wait_for()
    code = page.get_by_test_id("pairing-code").inner_text().strip()
    assert len(code) == 8

    # A phone without an account opens the scanner's pairing page and scans that QR code.
    phone_context = browser.new_context(base_url=base_url, locale="id-ID")
    phone_context.set_default_timeout(15000)
    phone = phone_context.new_page()
    camera.show(f"{base_url}/app/scanner/pair?code={code}")
    phone.goto(app_url(base_url, "scanner/pair"))
    phone.wait_for_url(lambda url: url.rstrip("/").endswith("/app/scanner"))
    phone.get_by_test_id("mode").wait_for()
    phone.wait_for_function("document.querySelector('[data-camera]')?.dataset.camera === 'running'")
    device = ScannerDevice.objects.get()
    assert device.name == "Gerbang Utara 2" and device.event_id == concert.id
    assert phone.get_by_test_id("manifest-count").inner_text().startswith("3 ")

    camera.show(first.qr_code)
    rescan(phone)
    wait_for_verdict(phone, "ok", offline=False)
    assert Checkin.objects.get(registration=first).scanner == device

    # Offline: admitted from the manifest and queued; back online: synced.
    phone_context.set_offline(True)
    camera.show(second.qr_code)
    rescan(phone)
    wait_for_verdict(phone, "ok", offline=True)
    phone.wait_for_selector('[data-testid="queued"][data-count="1"]')
    phone_context.set_offline(False)
    phone.wait_for_selector('[data-testid="queued"][data-count="0"]', timeout=20000)
    assert Checkin.objects.get(registration=second).scanner == device

    # Offline again, one more admission queued; meanwhile the staff revoke the scanner.
    phone_context.set_offline(True)
    camera.show(third.qr_code)
    rescan(phone)
    wait_for_verdict(phone, "ok", offline=True)
    phone.wait_for_selector('[data-testid="queued"][data-count="1"]')
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("devices-refresh").click()
    page.get_by_test_id("device-Gerbang Utara 2").get_by_test_id("revoke").click()
    page.wait_for_selector('[data-testid="device-Gerbang Utara 2"][data-revoked="true"]')

    # Back online, the next sync is refused: the phone says so and shows the scan refused.
    phone_context.set_offline(False)
    phone.get_by_test_id("device-revoked").wait_for(timeout=20000)
    phone.wait_for_selector('[data-testid="sync-issues"] [data-result="device_revoked"]', timeout=20000)
    assert not Checkin.objects.filter(registration=third).exists()
    kept = OfflineScan.objects.get(registration=third)
    assert kept.result == "device_revoked" and kept.scanner == device

    # The staff see the refused scan on the scanner's row.
    page.get_by_test_id("devices-refresh").click()
    page.get_by_test_id("review-scans").click()
    refused = page.get_by_test_id("refused-scans")
    refused.wait_for()
    assert "Dewi Anggraini" in refused.inner_text()
    phone_context.close()
