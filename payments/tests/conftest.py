"""Fixtures for payments tests: the whole app (simulator included) on a live server, real SDKs over HTTP."""

import http.server
import json
import socket
import threading
import time

import pytest
import requests
from django.core import mail

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketFactory
from payments.gateways.midtrans import signature
from registrations import services as registration_services


@pytest.fixture
def site(live_server, settings):
    """Serve the app and point SITE_URL (so the SDKs and the simulator's webhooks) at it."""
    settings.SITE_URL = live_server.url
    settings.PAYMENT_SIMULATOR = True
    settings.MIDTRANS_SNAP_BASE_URL = settings.MIDTRANS_CORE_BASE_URL = settings.XENDIT_API_HOST = ""
    settings.PAYMENT_CONNECT_TIMEOUT = 2.0
    settings.PAYMENT_READ_TIMEOUT = 10.0
    return live_server.url


@pytest.fixture
def registration(transactional_db):
    """A pending registration for a Rp 150.000 ticket with 10 seats."""
    ticket = TicketFactory(quota=10)
    return registration_services.reserve(ticket=ticket, user=UserFactory())


@pytest.fixture
def closed_port():
    """Return a local URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def sleeping_server():
    """Return the URL of a server that accepts connections and answers only after 3 seconds."""

    class Slow(http.server.BaseHTTPRequestHandler):
        def _sleep(self):
            time.sleep(3)
            try:
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")
            except OSError:
                pass

        do_GET = do_POST = _sleep

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def pay_on_gateway_page(payment, *, method: str, action: str = "pay", notify: str = "now") -> requests.Response:
    """Do what a person does on the (simulated) gateway's page: pick a method and pay, fail or let it expire."""
    return requests.post(payment.redirect_url, data={"method": method, "action": action, "notify": notify},
                         allow_redirects=False, timeout=30)


# A method each gateway offers, for tests that do not care which.
METHOD = {"midtrans": "other_qris", "xendit": "OVO"}
# A method each gateway cannot refund through its API.
VA_METHOD = {"midtrans": "bca_va", "xendit": "BCA"}


def midtrans_notification(payment, *, transaction_status="settlement", status_code="200", gross_amount=None,
                          currency="IDR", server_key=None, **extra) -> dict:
    """Return a Midtrans notification body for a payment, signed with `server_key` (default: ours)."""
    from django.conf import settings

    gross_amount = gross_amount or f"{payment.amount}.00"
    body = {
        "order_id": payment.order_id, "status_code": status_code, "gross_amount": gross_amount,
        "transaction_status": transaction_status, "fraud_status": "accept", "currency": currency,
        "payment_type": "qris", "transaction_id": "0d9a4c36-0000-4000-8000-000000000000",
        "transaction_time": "2030-01-01 10:00:00",
    }
    body["signature_key"] = signature(order_id=payment.order_id, status_code=status_code, gross_amount=gross_amount,
                                      server_key=server_key or settings.MIDTRANS_SERVER_KEY)
    return body | extra


def xendit_callback(payment, *, status="PAID", amount=None, currency="IDR", **extra) -> dict:
    """Return a Xendit invoice callback body for a payment."""
    amount = int(payment.amount) if amount is None else amount
    return {"id": payment.external_id, "external_id": payment.order_id, "status": status, "amount": amount,
            "paid_amount": amount, "currency": currency, "payment_method": "EWALLET", "payment_channel": "OVO",
            "paid_at": "2030-01-01T03:00:00.000Z"} | extra


def post_webhook(site: str, provider: str, body, *, token: str | None = None) -> requests.Response:
    """Send a callback to our webhook endpoint over HTTP, as the gateway does."""
    from django.conf import settings

    headers = {"content-type": "application/json"}
    if provider == "xendit":
        headers["x-callback-token"] = settings.XENDIT_CALLBACK_TOKEN if token is None else token
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(f"{site}/api/v1/payments/webhooks/{provider}/", data=data, headers=headers, timeout=30)


def ticket_emails(registration) -> list:
    """Return the ticket emails sent for a registration."""
    return [m for m in mail.outbox if m.to == [registration.user.email] and registration.qr_code in m.body]
