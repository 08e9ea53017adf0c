"""Key pages and emails, rendered for an Indonesian reader, show no English of ours."""

import datetime
import html
import re

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from payments import emails as payment_emails
from payments.models import Payment, SimulatedPayment
from registrations import emails as registration_emails
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

# Words an Indonesian page of ours has no reason to contain.
ENGLISH_WORDS = re.compile(r"\b(the|your|you|and|with|this|please|payment|ticket|registration|order|back|try)\b", re.I)
# Names that stay as their owners write them.
NAMES = ("Mandiri Bill Payment",)


def _visible_text(page: str) -> str:
    """Return what a reader sees of an HTML page: its text and the labels of its controls."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    labels = re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(" ".join([text, *labels])).split())


def _english_sources() -> list[str]:
    """Return our English messages whose Indonesian differs: seeing one means it was not translated."""
    catalog = polib.pofile(str(settings.LOCALE_PATHS[0] / "id" / "LC_MESSAGES" / "django.po"))
    return [entry.msgid for entry in catalog.translated_entries()
            if entry.msgstr != entry.msgid and " " in entry.msgid and "%" not in entry.msgid]


def _assert_no_english_messages(text: str) -> None:
    assert [msgid for msgid in _english_sources() if msgid in text] == []


def _assert_indonesian(text: str) -> None:
    _assert_no_english_messages(text)
    for name in NAMES:
        text = text.replace(name, "")
    assert ENGLISH_WORDS.findall(text) == []


def _indonesian_client(user) -> Client:
    client = Client(headers={"accept-language": "id"})
    client.force_login(user)
    return client


def _payment(registration, **fields) -> Payment:
    return Payment.objects.create(**{
        "registration": registration, "provider": "xendit", "order_id": f"EH-{registration.pk.hex[:12]}-0a1b2c3d4e",
        "amount": registration.amount, "status": Payment.Status.PENDING,
        "redirect_url": "https://checkout.example/inv-1", "expires_at": registration.expires_at,
    } | fields)


def test_the_checkout_page_is_in_indonesian():
    registration = RegistrationFactory()

    page = _indonesian_client(registration.user).get(f"/checkout/{registration.pk}/")

    text = _visible_text(page.content.decode())
    assert page.status_code == 200
    assert "Pilih cara pembayaran" in text and "Bayar sekarang" in text and "Kartu kredit" in text
    assert "Kursi Anda ditahan hingga pukul" in text
    _assert_indonesian(text)


def test_the_pending_page_is_in_indonesian():
    registration = RegistrationFactory()
    _payment(registration)

    page = _indonesian_client(registration.user).get(f"/checkout/{registration.pk}/pending/")

    text = _visible_text(page.content.decode())
    assert page.status_code == 200
    assert "Menunggu Xendit mengonfirmasi pembayaran Anda" in text
    assert "Pilih cara pembayaran lain" in text
    _assert_indonesian(text)


def test_the_success_page_is_in_indonesian():
    registration = RegistrationFactory(paid=True)
    _payment(registration, status=Payment.Status.PAID, paid_at=timezone.now(), payment_method="QRIS")

    page = _indonesian_client(registration.user).get(f"/checkout/{registration.pk}/success/")

    text = _visible_text(page.content.decode())
    assert page.status_code == 200
    assert "Pembayaran berhasil" in text and "Dibayar dengan QRIS (Xendit)" in text
    _assert_indonesian(text.replace(registration.qr_code, ""))


def test_the_gateway_simulator_page_is_in_indonesian():
    registration = RegistrationFactory()
    sim = SimulatedPayment.objects.create(
        gateway="xendit", order_id="EH-sim-1", token="token-sim-1", amount=registration.amount, status="PENDING",
        methods=["QRIS", "CREDIT_CARD"], expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )

    page = Client(headers={"accept-language": "id"}).get(reverse("simulator:xendit-page", args=[sim.pk]))

    text = _visible_text(page.content.decode())
    assert page.status_code == 200
    assert '<html lang="id">' in page.content.decode()
    assert "Bayar" in text and "Gagalkan" in text and "Biarkan kedaluwarsa" in text
    _assert_indonesian(text)


def test_the_registration_email_is_in_indonesian():
    registration = RegistrationFactory()

    message = registration_emails.build(registration=registration, kind="received")

    assert message.subject == f"Pendaftaran diterima: {registration.event.title}"
    assert "Mohon bayar sebelum" in message.body
    for text in (message.subject, message.body, _visible_text(message.alternatives[0].content)):
        _assert_indonesian(text)


def test_the_late_payment_email_is_in_indonesian():
    registration = RegistrationFactory(status="cancelled", cancel_reason="expired", expires_at=None)
    payment = _payment(registration, status=Payment.Status.NEEDS_REFUND, paid_at=timezone.now())

    message = payment_emails.build_late_payment(payment=payment)

    assert message.subject == f"Pembayaran Anda untuk {registration.event.title} akan dikembalikan"
    assert f"Pesanan: {payment.order_id}" in message.body
    for text in (message.subject, message.body, _visible_text(message.alternatives[0].content)):
        _assert_indonesian(text)


def test_the_payment_admin_is_in_indonesian(staff):
    registration = RegistrationFactory(paid=True)
    payment = _payment(registration, status=Payment.Status.NEEDS_REFUND, paid_at=timezone.now())
    client = _indonesian_client(staff)

    changelist = _visible_text(client.get("/admin/payments/payment/").content.decode())
    change = _visible_text(client.get(f"/admin/payments/payment/{payment.pk}/change/").content.decode())
    registration_page = _visible_text(
        client.get(f"/admin/registrations/registration/{registration.pk}/change/").content.decode())

    assert "Berdasarkan perlu pengembalian dana" in changelist
    assert "Catat pengembalian dana yang dilakukan manual" in changelist
    assert "Dibuat pada" in changelist
    assert "Dibayar terlambat: perlu pengembalian dana" in change and "Dana dikembalikan pada" in change
    assert "Pembayaran dan kejadian webhook" in registration_page
    # Django's own admin text is Django's catalog's business; ours must all be Indonesian.
    for text in (changelist, change, registration_page):
        _assert_no_english_messages(text)
