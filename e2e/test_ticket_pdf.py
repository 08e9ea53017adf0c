"""The printable ticket, downloaded from the ticket page as a buyer would."""

import io

import pypdf
import pytest
from playwright.sync_api import expect

from registrations.tests.factories import RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_buyer_downloads_the_ticket_pdf_and_adds_the_event_to_the_calendar(logged_in_page, tmp_path):
    registration = RegistrationFactory(
        paid=True, user__full_name="Ayu Lestari", ticket__name="VIP", ticket__event__title="Festival Kopi Makassar",
        ticket__event__timezone="Asia/Makassar", ticket__event__city="Makassar",
    )
    page = logged_in_page(registration.user, accept_downloads=True)
    page.goto(f"/dashboard/registrations/{registration.pk}/")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the ticket (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"tiket-{registration.event.slug}-{str(registration.pk)[:8]}.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    (ticket_page,) = pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages
    text = " ".join(ticket_page.extract_text().split())
    assert "Festival Kopi Makassar" in text and "Ayu Lestari" in text and "VIP" in text and "WITA" in text

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar").click()
    calendar = download_info.value
    assert calendar.suggested_filename == f"{registration.event.slug}.ics"
    calendar.save_as(tmp_path / "event.ics")
    assert b"SUMMARY:Festival Kopi Makassar" in (tmp_path / "event.ics").read_bytes()
    expect(page.get_by_role("heading", level=1)).to_have_text("Festival Kopi Makassar")
