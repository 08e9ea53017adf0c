"""The printable ticket: one page per paid ticket, on the site, in the API and attached to the ticket email."""

import datetime
import io

import icalendar
import pypdf
import pytest
from django.core import mail
from django.urls import reverse

from registrations import emails, tickets_pdf
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _paid(**kwargs):
    defaults = {"paid": True, "ticket__name": "VIP Depan", "ticket__price": 750000,
                "ticket__event__title": "Festival Musik Senja Bali", "ticket__event__timezone": "Asia/Makassar",
                "ticket__event__location": "Pantai Melasti", "ticket__event__city": "Bali",
                "ticket__event__organizer": "Senja Nusantara",
                "ticket__event__event_date": datetime.datetime(2031, 5, 1, 8, 0, tzinfo=datetime.UTC),
                "user__full_name": "Rina Wulandari"}
    return RegistrationFactory(**{**defaults, **kwargs})


def test_each_ticket_gets_a_page_with_event_attendee_type_and_code():
    first, second = _paid(), _paid(user__full_name="Budi Santoso", ticket__name="Reguler")
    pages = _text(tickets_pdf.render([first, second]))
    assert len(pages) == 2
    assert "Festival Musik Senja Bali" in pages[0] and "Rina Wulandari" in pages[0] and "VIP Depan" in pages[0]
    assert "Pantai Melasti, Bali" in pages[0] and "Senja Nusantara" in pages[0]
    assert "Rp 750.000" in pages[0] and "WITA" in pages[0]
    assert first.qr_code in pages[0].replace(" ", "")
    assert "Budi Santoso" in pages[1] and "Reguler" in pages[1] and second.qr_code in pages[1].replace(" ", "")


def test_the_page_carries_a_drawn_qr_code_scanners_read():
    registration = _paid()
    page = pypdf.PdfReader(io.BytesIO(tickets_pdf.render([registration]))).pages[0]
    content = page.get_contents().get_data()
    # Vector modules (filled rectangles, one per run of dark modules in a row), no embedded bitmap.
    assert content.count(b" re") > 100
    assert not page.images


def test_an_unpaid_ticket_is_never_printed():
    with pytest.raises(ValueError):
        tickets_pdf.render([RegistrationFactory()])


def test_long_names_are_wrapped_not_cut_off():
    registration = _paid(ticket__event__title=("Konferensi " * 18).strip(), user__full_name="Nama Sangat Panjang " * 7)
    (page,) = _text(tickets_pdf.render([registration]))
    assert "…" in page  # a title longer than three lines ends in an ellipsis
    assert "Nama Sangat Panjang Nama Sangat Panjang" in page


def test_the_owner_downloads_the_pdf_from_the_dashboard(client, settings):
    registration = _paid()
    client.force_login(registration.user)
    url = reverse("registrations:ticket_pdf", kwargs={"pk": registration.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{tickets_pdf.filename(registration)}"'
    assert response["Cache-Control"] == "private, max-age=300"
    assert "Rina Wulandari" in _text(response.content)[0]
    page = client.get(reverse("registrations:detail", kwargs={"pk": registration.pk})).content.decode()
    assert f'href="{url}"' in page


def test_nobody_else_gets_it_nor_before_payment(client, user):
    registration, pending = _paid(), RegistrationFactory(user=user)
    client.force_login(user)
    assert client.get(reverse("registrations:ticket_pdf", kwargs={"pk": registration.pk})).status_code == 404
    assert client.get(reverse("registrations:ticket_pdf", kwargs={"pk": pending.pk})).status_code == 404


def test_the_api_gives_its_url_and_the_pdf_to_the_owner(client_for, user):
    registration = _paid(user=user)
    api = client_for(user)
    body = api.get(f"/api/v1/registrations/{registration.pk}/").json()
    assert body["ticket_pdf_url"] == f"http://testserver/api/v1/registrations/{registration.pk}/ticket.pdf"
    response = api.get(body["ticket_pdf_url"])
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    other = client_for(RegistrationFactory().user)
    assert other.get(body["ticket_pdf_url"]).status_code == 404
    assert other.get(body["ticket_pdf_url"]).json()["code"] == "not_found"


def test_the_api_has_no_pdf_before_payment(client_for, user):
    registration = RegistrationFactory(user=user)
    api = client_for(user)
    assert api.get(f"/api/v1/registrations/{registration.pk}/").json()["ticket_pdf_url"] is None
    response = api.get(f"/api/v1/registrations/{registration.pk}/ticket.pdf")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_ticket_email_attaches_the_pdf_and_the_calendar_file(settings):
    settings.SITE_URL = "https://tiket.example.id"
    registration = _paid()
    emails.send(registration=registration, kind="ticket")
    message = mail.outbox[-1]
    attachments = {name: (content, mimetype) for name, content, mimetype in message.attachments}
    pdf, mimetype = attachments[tickets_pdf.filename(registration)]
    assert mimetype == "application/pdf"
    page = _text(pdf)[0]
    assert "Rina Wulandari" in page and "Penyelenggara: Senja Nusantara" in page  # in the site's language
    ics, mimetype = attachments[f"{registration.event.slug}.ics"]
    assert mimetype == "text/calendar"
    (entry,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert entry.decoded("dtstart") == registration.event.event_date
    assert f"tiket-{registration.event.slug}.png" in attachments


def test_other_emails_carry_no_ticket():
    message = emails.build(registration=RegistrationFactory(), kind="received")
    assert not message.attachments


def test_the_success_page_after_payment_offers_the_pdf_and_the_calendar(client):
    registration = _paid()
    client.force_login(registration.user)
    page = client.get(reverse("payments:success", kwargs={"registration_id": registration.pk})).content.decode()
    assert f'href="{reverse("registrations:ticket_pdf", kwargs={"pk": registration.pk})}"' in page
    assert f'href="{reverse("events:calendar", kwargs={"slug": registration.event.slug})}"' in page
