"""The gateway simulator's own rules, and its refusal outside DEBUG."""

import os
import subprocess
import sys

import midtransclient
import pytest
import requests
from django.conf import settings as django_settings

from payments import attempts
from payments.gateways.midtrans import MidtransGateway
from payments.models import SimulatedPayment

pytestmark = pytest.mark.django_db(transaction=True)


def _snap(site, server_key):
    snap = midtransclient.Snap(is_production=False, server_key=server_key, client_key="", custom_headers={})
    snap.api_config.SNAP_SANDBOX_BASE_URL = f"{site}/simulator/midtrans/snap/v1"
    return snap


def test_snap_refuses_a_reused_order_id(site, registration):
    payment, _ = attempts.start_payment(registration=registration, provider="midtrans")
    snap = _snap(site, django_settings.MIDTRANS_SERVER_KEY)

    with pytest.raises(midtransclient.error_midtrans.MidtransAPIError) as refused:
        snap.create_transaction({"transaction_details": {"order_id": payment.order_id, "gross_amount": 150000}})

    assert refused.value.http_status_code == 400
    assert "already been taken" in refused.value.message
    assert SimulatedPayment.objects.count() == 1


def test_snap_refuses_a_wrong_server_key(site):
    with pytest.raises(midtransclient.error_midtrans.MidtransAPIError) as refused:
        _snap(site, "SB-Mid-server-wrong").create_transaction(
            {"transaction_details": {"order_id": "EH-x-1", "gross_amount": 1000}})
    assert refused.value.http_status_code == 401


def test_core_status_is_404_until_a_method_is_chosen(site, registration):
    payment, _ = attempts.start_payment(registration=registration, provider="midtrans")
    with pytest.raises(Exception) as missing:
        MidtransGateway().fetch_status(payment)
    assert type(missing.value).__name__ == "NotFoundAtGateway"


def test_xendit_refuses_a_wrong_api_key(site):
    answer = requests.post(f"{site}/simulator/xendit/v2/invoices/", json={"external_id": "x", "amount": 1000.0},
                           auth=("xnd_development_wrong", ""), timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error_code"] == "INVALID_API_KEY"


def _django(env: dict, code: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "PAYMENT_SIMULATOR")}
    base |= {"DJANGO_SETTINGS_MODULE": "eventhub.settings", "SECRET_KEY": "x" * 50, "QR_SIGNING_KEYS": "k" * 40,
             "ALLOWED_HOSTS": "testserver", "CSRF_TRUSTED_ORIGINS": "https://testserver",
             "SITE_URL": "https://testserver", "EMAIL_URL": "smtp://localhost:25"} | env
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env=base,
                          capture_output=True, text=True, timeout=60, cwd=django_settings.BASE_DIR)


def test_the_simulator_is_refused_when_debug_is_off():
    refused = _django({"DEBUG": "false", "PAYMENT_SIMULATOR": "true"}, "")
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "PAYMENT_SIMULATOR" in refused.stderr


def test_without_debug_the_simulator_is_off_and_not_mounted():
    probe = _django({"DEBUG": "false"}, (
        "from django.conf import settings; from django.urls import resolve, Resolver404\n"
        "try:\n    resolve('/simulator/midtrans/snap/v1/transactions'); print('mounted')\n"
        "except Resolver404:\n    print('absent', settings.PAYMENT_SIMULATOR)"
    ).replace("; from", "\nfrom", 1))
    assert probe.stdout.strip() == "absent False", probe.stderr


@pytest.mark.parametrize("provider, method", [("midtrans", "BCA Virtual Account"), ("xendit", "OVO")])
def test_the_payment_page_offers_the_enabled_methods(site, registration, provider, method):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)

    page = requests.get(payment.redirect_url, timeout=10)

    assert page.status_code == 200
    assert "QRIS" in page.text and method in page.text
    assert payment.order_id in page.text
