"""The organiser's report and the printable ticket in the PWA, against the live API."""

import datetime
import io

import pypdf
import pytest
from harness import app_url, login

from e2e.screenshots import colours, drawn

pytestmark = pytest.mark.e2e


@pytest.fixture
def sold_concert(concert):
    from checkins.tests.factories import CheckinFactory
    from reports.tests.factories import PaymentFactory

    ticket = concert.tickets.get()
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=5)
    for n in range(4):
        payment = PaymentFactory(registration__ticket=ticket,
                                 registration__paid_at=start + datetime.timedelta(hours=n))
        CheckinFactory(registration=payment.registration, device="Gerbang A" if n % 2 else "Gerbang B",
                       checked_in_at=start + datetime.timedelta(minutes=20 * n))
    return concert


def test_staff_see_the_report_charts_drawn(page, base_url, staff, sold_concert):
    login(page, base_url, staff.email)
    page.get_by_test_id("report-link").first.click()
    page.wait_for_url("**/admin/events/konser-senja/report")
    assert page.get_by_test_id("report-gross").inner_text().replace("\xa0", " ") == "Rp 600.000"
    for testid in ("report-sales-chart", "report-checkins-chart"):
        chart = page.get_by_test_id(testid).locator("svg")
        chart.wait_for()
        box = chart.bounding_box()
        assert box["width"] > 250 and box["height"] > 80
        shot = chart.screenshot()
        assert drawn(shot) > 0.01, testid
        assert colours(shot) >= 3, testid
    with page.expect_download() as download:
        page.get_by_role("button", name="Peserta (XLSX)").click()
    assert download.value.suggested_filename == "konser-senja-attendees.xlsx"


def test_an_attendee_downloads_the_ticket_pdf(page, base_url, attendee, concert, tmp_path):
    from registrations import services

    registration = services.mark_paid(registration=services.reserve(ticket=concert.tickets.get(), user=attendee))
    login(page, base_url, attendee.email)
    page.goto(app_url(base_url, "dashboard"))
    with page.expect_download() as download:
        page.get_by_test_id("ticket-pdf").click()
    path = tmp_path / "ticket.pdf"
    download.value.save_as(path)
    text = " ".join(pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text().split())
    assert "Konser Senja" in text and "Ani Peserta" in text and registration.qr_code in text.replace(" ", "")
