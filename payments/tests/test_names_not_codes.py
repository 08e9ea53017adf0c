"""People read names and rupiah, never the gateways' raw codes (issue 15, defect 5)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from events.tests.factories import TicketFactory
from payments import gateways
from payments.models import Payment, SimulatedPayment
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _client(user, language="id") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def _paid(method: str, provider: str = "midtrans") -> Payment:
    registration = RegistrationFactory(ticket=TicketFactory(price=Decimal("750000")), paid=True)
    return Payment.objects.create(
        registration=registration, provider=provider, order_id=f"EH-{registration.pk.hex[:12]}-names",
        amount=registration.amount, status=Payment.Status.PAID, paid_at=timezone.now(), payment_method=method,
    )


@pytest.mark.parametrize("provider, code, name", [
    ("midtrans", "qris", "QRIS"),
    ("midtrans", "bank_transfer", "Bank transfer (virtual account)"),
    ("midtrans", "gopay", "GoPay"),
    ("midtrans", "credit_card", "Credit card"),
    ("xendit", "QR_CODE", "QRIS"),
    ("xendit", "BCA", "BCA Virtual Account"),
    ("xendit", "EWALLET", "E-wallet"),
    ("xendit", "SOMETHING_NEW", "Something New"),
])
def test_a_reported_method_has_a_name(provider, code, name):
    with translation.override("en"):
        assert gateways.method_label(provider, code) == name


def test_the_success_page_names_the_method(user):
    payment = _paid("qris")
    page = _client(payment.registration.user).get(f"/checkout/{payment.registration_id}/success/").content.decode()
    assert "Dibayar dengan QRIS (Midtrans)" in page
    assert "(qris)" not in page


def test_the_admin_payments_list_shows_rupiah_and_method_names(staff):
    _paid("qris")
    _paid("BANK_TRANSFER", provider="xendit")
    page = _client(staff, "en").get("/admin/payments/payment/").content.decode()
    cells = re.findall(r'<td class="field-[a-z_]+">([^<]*)</td>', page)
    assert "Rp 750.000" in cells and "750000" not in cells
    assert "QRIS" in cells and "Bank transfer (virtual account)" in cells
    assert "qris" not in cells and "BANK_TRANSFER" not in cells


def test_the_registration_pages_payment_rows_show_rupiah_and_method_names(staff):
    payment = _paid("qris")
    page = _client(staff, "en").get(
        reverse("admin:registrations_registration_change", args=[payment.registration_id])).content.decode()
    assert "Rp 750.000" in page and "QRIS" in page
    assert ">750000<" not in page and ">qris<" not in page


@pytest.mark.parametrize("gateway, status, shown", [
    ("midtrans", "initial", "Waiting for a payment method"),
    ("midtrans", "settlement", "Paid"),
    ("xendit", "PENDING", "Waiting for payment"),
    ("xendit", "EXPIRED", "Expired"),
])
def test_the_simulator_page_says_its_status_in_words(gateway, status, shown):
    sim = SimulatedPayment.objects.create(
        gateway=gateway, order_id=f"EH-sim-{status}", token=f"token-{status}", amount=Decimal("750000"),
        status=status, methods=[], expires_at=timezone.now() + datetime.timedelta(minutes=30),
        notifications=[{"status": status, "answer": 200, "ms": 12, "at": "2031-04-01T12:30:00.000Z"}],
    )
    page = Client(headers={"accept-language": "en"}).get(
        reverse(f"simulator:{gateway}-page", args=[sim.token if gateway == "midtrans" else sim.pk])).content.decode()
    assert f'data-status="{status}">{shown}</strong>' in page
    assert f"— {shown} → HTTP 200" in page
    assert "2031-04-01T12:30" not in page and "April 1, 2031, 7:30 p.m. WIB" in page
