import email

import pytest
from django.core import mail

from registrations import emails, services
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db



def test_received_email_has_the_amount_deadline_and_payment_link(checkout_hook, settings):
    settings.SITE_URL = "https://tiket.example.id"
    registration = RegistrationFactory(ticket__price=150000)
    message = emails.build(registration=registration, kind="received")
    link = f"https://tiket.example.id/checkout/{registration.pk}/"
    assert "Rp 150.000" in message.body
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0].content
    assert registration.event.title in message.subject


def test_received_email_without_a_payment_app_has_no_pay_link(no_payment_app):
    message = emails.build(registration=RegistrationFactory(), kind="received")
    assert "/checkout/" not in message.body


def test_emails_are_written_in_indonesian():
    registration = RegistrationFactory(ticket__event__title="Pekan Raya")
    assert emails.build(registration=registration, kind="received").subject == "Pendaftaran diterima: Pekan Raya"


@pytest.mark.parametrize(
    "reason, subject, says",
    [
        (Registration.CancelReason.EXPIRED, "Pendaftaran kedaluwarsa: Pekan Raya", "tidak dibayar tepat waktu"),
        (Registration.CancelReason.USER, "Pendaftaran dibatalkan: Pekan Raya", "Dibatalkan oleh peserta"),
    ],
    ids=["expired", "cancelled"],
)
def test_cancellation_email_says_why(user, reason, subject, says, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(user=user, ticket__event__title="Pekan Raya")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=registration, reason=reason)
    message = mail.outbox[-1]
    assert message.subject == subject
    assert says in message.body
    assert says in message.alternatives[0].content


def test_expired_registration_email_links_the_event_to_register_again(
    user, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tiket.example.id"
    registration = RegistrationFactory(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=registration, reason=Registration.CancelReason.EXPIRED)
    assert f"https://tiket.example.id{registration.event.get_absolute_url()}" in mail.outbox[-1].body


def test_in_development_the_ticket_email_is_an_eml_file_with_the_qr(user, settings, tmp_path):
    settings.MAILERS = {"default": {"BACKEND": "eventhub.mail.EmlFileBackend", "OPTIONS": {"file_path": str(tmp_path)}}}
    registration = RegistrationFactory(user=user, paid=True)
    emails.send(registration=registration, kind="ticket")
    (path,) = tmp_path.glob("*.eml")
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == user.email
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert 'src="cid:ticket-qr"' in html
    assert registration.qr_code in html
    images = [part for part in parsed.walk() if part.get_content_type() == "image/png"]
    assert [part.get_content_disposition() for part in images] == ["inline", "attachment"]


def test_a_free_tickets_email_receipt_says_free_with_its_registration_number(user):
    from events.tests.factories import FreeTicketFactory
    from registrations import emails, services

    registration = services.reserve(ticket=FreeTicketFactory(), user=user)
    message = emails.build(registration=registration, kind="ticket")
    body = " ".join(message.body.split())
    assert "Kuitansi" in body and f"Nomor pendaftaran: {registration.pk}" in body
    assert "Jumlah: Gratis" in body
    assert "Nomor pesanan" not in body
