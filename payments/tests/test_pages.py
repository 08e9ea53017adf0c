"""The site pages: checkout, pending (with its JSON status), success."""

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from events.models import Ticket
from payments.models import Payment
from registrations import hooks
from registrations.models import Registration

from .conftest import METHOD, pay_on_gateway_page

pytestmark = pytest.mark.django_db(transaction=True)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_checkout_page_shows_the_order_and_the_ways_to_pay_not_the_gateways(site, registration):
    page = _client(registration.user).get(f"/checkout/{registration.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert registration.event.title in html
    assert "Rp 150.000" in html
    assert [f'value="{code}"' in html for code in ("qris", "va", "ewallet", "card")] == [True] * 4
    assert "Midtrans" not in html and "Xendit" not in html
    assert "QRIS" in html and "BCA Virtual Account" in html and "OVO" in html
    assert '<button type="submit" class="button primary">Bayar sekarang</button>' in html
    assert hooks.checkout_url(registration) == f"/checkout/{registration.pk}/"


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_choosing_a_gateway_sends_the_buyer_to_its_page(site, registration, provider):
    answer = _client(registration.user).post(f"/checkout/{registration.pk}/", {"provider": provider})

    payment = Payment.objects.get(registration=registration)
    assert answer.status_code == 302
    assert answer["Location"] == payment.redirect_url
    assert payment.redirect_url.startswith(f"{site}/simulator/{provider}/")


def test_a_gateway_that_is_down_shows_a_clear_message_and_a_retry(site, registration, settings, closed_port):
    settings.MIDTRANS_SNAP_BASE_URL = closed_port
    client = _client(registration.user)

    page = client.post(f"/checkout/{registration.pk}/", {"provider": "midtrans"})

    assert page.status_code == 503
    html = page.content.decode()
    assert "Gateway pembayaran sedang tidak merespons" in html
    assert "Try again" in html or "Coba lagi" in html
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1
    assert not Payment.objects.filter(status__in=Payment.LIVE_STATUSES).exists()

    settings.MIDTRANS_SNAP_BASE_URL = ""
    assert client.post(f"/checkout/{registration.pk}/", {"provider": "midtrans"}).status_code == 302


def test_another_users_checkout_is_not_found(site, registration):
    assert _client(UserFactory()).get(f"/checkout/{registration.pk}/").status_code == 404


def test_the_pending_page_follows_the_payment_until_the_ticket_shows(site, registration):
    client = _client(registration.user)
    client.post(f"/checkout/{registration.pk}/", {"provider": "xendit"})
    payment = Payment.objects.get(registration=registration)

    pending = client.get(f"/checkout/{registration.pk}/pending/")
    status = client.get(f"/checkout/{registration.pk}/status/").json()

    assert pending.status_code == 200
    assert "data-status-url" in pending.content.decode()
    assert (status["registration"], status["payment"], status["paid"]) == ("pending", "pending", False)

    pay_on_gateway_page(payment, method=METHOD["xendit"])

    assert client.get(f"/checkout/{registration.pk}/status/").json()["paid"] is True
    assert client.get(f"/checkout/{registration.pk}/pending/")["Location"] == f"/checkout/{registration.pk}/success/"
    success = client.get(f"/checkout/{registration.pk}/success/")
    registration.refresh_from_db()
    assert success.status_code == 200
    assert "<svg" in success.content.decode()
    assert registration.qr_code in success.content.decode()
    assert f"/dashboard/registrations/{registration.pk}/" in success.content.decode()


def test_the_success_page_of_an_unpaid_registration_goes_back_to_pending(site, registration):
    answer = _client(registration.user).get(f"/checkout/{registration.pk}/success/")
    assert answer["Location"] == f"/checkout/{registration.pk}/pending/"


@pytest.mark.parametrize(("method", "provider"), [
    ("qris", "midtrans"), ("card", "midtrans"), ("va", "xendit"), ("ewallet", "xendit"),
])
def test_choosing_how_to_pay_picks_the_gateway_behind_it(site, registration, method, provider):
    answer = _client(registration.user).post(f"/checkout/{registration.pk}/", {"method": method})

    payment = Payment.objects.get(registration=registration)
    assert answer.status_code == 302 and payment.provider == provider
    assert answer["Location"] == payment.redirect_url


def test_a_way_no_gateway_offers_falls_to_the_other_gateway_or_is_not_offered(site, registration, settings):
    settings.PAYMENT_METHODS = {**settings.PAYMENT_METHODS, "xendit": ["QRIS"]}
    html = _client(registration.user).get(f"/checkout/{registration.pk}/").content.decode()
    assert 'value="ewallet"' in html  # Midtrans has GoPay and ShopeePay
    settings.PAYMENT_METHODS = {"midtrans": ["other_qris"], "xendit": ["QRIS"]}
    client = _client(registration.user)
    html = client.get(f"/checkout/{registration.pk}/").content.decode()
    assert 'value="qris"' in html and 'value="card"' not in html
    assert client.post(f"/checkout/{registration.pk}/", {"method": "card"}).status_code == 400
    assert not Payment.objects.filter(registration=registration).exists()
