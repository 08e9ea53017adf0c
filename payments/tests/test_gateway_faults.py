"""The gateway slow or down, told so through the simulator's admin-only fault control, everything over HTTP.

`payments/start/` answers 503 `gateway_unavailable` within the configured
timeout and the seat stays held; once the gateway is back a retry works. A
webhook whose status check fails is answered 503, and its redelivery is
applied once.
"""

import time

import pytest
import requests
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import AdminFactory
from events.models import Ticket
from payments.models import Payment
from payments.simulator import gateway as sim_gateway
from payments.simulator.models import SimulatedPayment, SimulatorFault
from registrations.models import Registration

from .conftest import METHOD, pay_on_gateway_page, post_webhook, ticket_emails

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDERS = ["midtrans", "xendit"]


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}


@pytest.fixture
def gateway_faults(site):
    """Return `set(**fault)` driving /simulator/faults as an admin; every gateway answers normally at the end."""
    admin = _bearer(AdminFactory())

    def set_faults(gateway="all", **fault):
        answer = requests.post(f"{site}/simulator/faults", json={"gateway": gateway, **fault}, headers=admin, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    yield set_faults
    set_faults()


def _start(site, registration, provider):
    started = time.monotonic()
    answer = requests.post(f"{site}/api/v1/payments/start/", json={"registration": str(registration.pk),
                           "provider": provider}, headers=_bearer(registration.user), timeout=30)
    return answer, time.monotonic() - started


def _assert_still_held(registration):
    held = Registration.objects.get(pk=registration.pk)
    assert held.status == Registration.Status.PENDING and held.expires_at == registration.expires_at
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1


def test_the_fault_control_is_for_admins_only(site, registration):
    anonymous = requests.post(f"{site}/simulator/faults", json={"gateway": "all", "down": True}, timeout=10)
    attendee = requests.post(f"{site}/simulator/faults", json={"gateway": "all", "down": True},
                             headers=_bearer(registration.user), timeout=10)

    assert (anonymous.status_code, attendee.status_code) == (401, 403)
    assert not SimulatedPayment.objects.exists() and not SimulatorFault.objects.exists()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_slow_gateway_answers_503_within_the_timeout_and_a_retry_works(site, settings, registration, provider,
                                                                         gateway_faults):
    settings.PAYMENT_CONNECT_TIMEOUT = settings.PAYMENT_READ_TIMEOUT = 1.0
    gateway_faults(provider, delay_seconds=3)

    answer, seconds = _start(site, registration, provider)

    assert answer.status_code == 503 and answer.json()["code"] == "gateway_unavailable"
    assert seconds < settings.PAYMENT_CONNECT_TIMEOUT + settings.PAYMENT_READ_TIMEOUT + 1.5
    _assert_still_held(registration)
    (failed,) = Payment.objects.filter(registration=registration)
    assert failed.status == Payment.Status.FAILED
    # The slow gateway still answers its late call: let it finish before the retry.
    deadline = time.monotonic() + 15
    while not SimulatedPayment.objects.filter(order_id=failed.order_id).exists():
        assert time.monotonic() < deadline, "the simulator never finished the slow call"
        time.sleep(0.1)
    gateway_faults()

    retry, _ = _start(site, registration, provider)

    assert retry.status_code == 201 and retry.json()["redirect_url"]
    assert retry.json()["order_id"] != failed.order_id
    _assert_still_held(registration)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_gateway_that_is_down_answers_503_and_a_retry_works(site, registration, provider, gateway_faults):
    gateway_faults(provider, down=True)

    answer, _ = _start(site, registration, provider)

    assert answer.status_code == 503 and answer.json()["code"] == "gateway_unavailable"
    _assert_still_held(registration)
    gateway_faults()
    retry, _ = _start(site, registration, provider)
    assert retry.status_code == 201
    payment = Payment.objects.get(order_id=retry.json()["order_id"])
    assert pay_on_gateway_page(payment, method=METHOD[provider]).status_code == 302
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.PAID


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_webhook_whose_status_check_fails_is_503_and_its_redelivery_applies_once(site, registration, provider,
                                                                                   gateway_faults):
    answer, _ = _start(site, registration, provider)
    payment = Payment.objects.get(order_id=answer.json()["order_id"])
    assert pay_on_gateway_page(payment, method=METHOD[provider], notify="never").status_code == 302
    sim = SimulatedPayment.objects.get(order_id=payment.order_id)
    body = sim_gateway.midtrans_json(sim) if provider == "midtrans" else sim_gateway.xendit_callback_json(sim)
    gateway_faults(provider, down=True)

    refused = post_webhook(site, provider, body)

    assert refused.status_code == 503 and refused.json()["code"] == "gateway_unavailable"
    _assert_still_held(registration)
    gateway_faults()
    redelivered = [post_webhook(site, provider, body) for _ in range(2)]
    assert [(a.status_code, a.json()["code"]) for a in redelivered] == [(200, "paid"), (200, "duplicate")]
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.PAID
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1
    assert len(ticket_emails(registration)) == 1
