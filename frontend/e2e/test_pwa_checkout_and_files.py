"""Paying from the PWA on the gateway simulator, and attendee files (issue 6, Build 3)."""

import re

import pytest
from harness import app_url, login

pytestmark = pytest.mark.e2e


def test_an_attendee_pays_with_qris_from_the_pwa_and_gets_the_qr(page, gateway, attendee, concert):
    from registrations.models import Order, Registration

    login(page, gateway, attendee.email, next_path="/events/konser-senja")
    page.get_by_test_id("quantity-more").click()
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/app/checkout?event=*")
    # One ticket: the buyer's own, already filled in.
    assert page.get_by_test_id("attendee-name").input_value() == "Ani Peserta"
    page.get_by_test_id("place-order").click()
    page.wait_for_url("**/app/checkout?order=*")
    order = Order.objects.get(user=attendee)
    registration = Registration.objects.get(user=attendee)
    assert registration.status == Registration.Status.PENDING

    # The buyer picks QRIS, not a gateway; QRIS is taken by Midtrans (PAYMENT_METHOD_GATEWAYS).
    page.get_by_test_id("method-qris").check()
    page.get_by_test_id("pay").click()
    page.wait_for_url(re.compile(r"/simulator/midtrans/"))
    page.get_by_label("QRIS").check()
    page.get_by_role("button", name="Bayar", exact=True).click()

    # The gateway sends the buyer back to the app's pending page, which follows the order until paid.
    page.wait_for_url(re.compile(rf"/app/payment/(pending|success)\?order={order.pk}"))
    page.wait_for_url("**/app/payment/success?order=*", timeout=30000)
    page.wait_for_selector('[data-testid="qr-display"] svg path')
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PAID
    assert page.locator(".qr-code-text").inner_text() == registration.qr_code


def test_an_attendee_uploads_a_file_and_staff_find_it_by_event(browser, base_url, attendee, staff, free_event, tmp_path):
    from files.models import File
    from files.tests import samples
    from registrations import services

    registration = services.reserve(ticket=free_event.tickets.get(), user=attendee)
    document = tmp_path / "surat-tugas.pdf"
    document.write_bytes(samples.pdf())
    disguised = tmp_path / "foto.png"
    disguised.write_bytes(b"MZ\x90\x00 not an image at all")

    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    login(page, base_url, attendee.email)
    page.goto(app_url(base_url, "dashboard/files"))
    page.get_by_test_id("file-input").set_input_files(str(document))
    page.locator('[data-testid="file-upload"] select').select_option(str(registration.pk))
    page.get_by_test_id("upload-submit").click()
    page.wait_for_selector('[data-testid="file-row"]:has-text("surat-tugas.pdf")')
    stored = File.objects.get(user=attendee)
    assert (stored.filename, stored.filetype, stored.registration_id) == ("surat-tugas.pdf", "application/pdf", registration.pk)

    # The browser calls it a PNG; the server reads the content and refuses it.
    page.get_by_test_id("file-input").set_input_files(str(disguised))
    page.get_by_test_id("upload-submit").click()
    page.wait_for_selector('[data-testid="upload-error"]')
    assert File.objects.filter(user=attendee).count() == 1
    context.close()

    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    login(page, base_url, staff.email)
    page.goto(app_url(base_url, "admin/files"))
    page.get_by_test_id("files-event").select_option(str(free_event.pk))
    page.wait_for_selector('[data-testid="file-row"]:has-text("surat-tugas.pdf")')
    with page.expect_download() as download:
        page.get_by_test_id("file-download").click()
    assert download.value.suggested_filename == "surat-tugas.pdf"
    assert open(download.value.path(), "rb").read() == samples.pdf()
    context.close()
