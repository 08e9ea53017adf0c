"""POST /api/v1/payments/start/."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from payments.models import Payment
from registrations import services as registration_services

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/payments/start/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_starts_a_payment_then_reuses_it(site, registration):
    client = _client(registration.user)

    first = client.post(URL, {"registration": str(registration.pk), "provider": "xendit"}, format="json")
    again = client.post(URL, {"registration": str(registration.pk), "provider": "xendit"}, format="json")

    assert first.status_code == 201
    assert first.json()["redirect_url"].startswith(f"{site}/simulator/xendit/")
    assert first.json()["status"] == "pending"
    assert again.status_code == 200
    assert again.json()["order_id"] == first.json()["order_id"]


def test_another_users_registration_is_not_found(site, registration):
    answer = _client(UserFactory()).post(URL, {"registration": str(registration.pk), "provider": "midtrans"},
                                         format="json")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


@pytest.mark.parametrize("change, code", [("mark_paid", "already_paid"), ("cancel", "registration_cancelled")])
def test_a_paid_or_cancelled_registration_is_a_conflict(site, registration, change, code):
    getattr(registration_services, change)(registration=registration)
    answer = _client(registration.user).post(URL, {"registration": str(registration.pk), "provider": "midtrans"},
                                             format="json")
    assert answer.status_code == 409
    assert answer.json()["code"] == code


def test_an_unknown_provider_is_a_validation_error(site, registration):
    answer = _client(registration.user).post(URL, {"registration": str(registration.pk), "provider": "paypal"},
                                             format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert "provider" in answer.json()["fields"]


def test_anonymous_is_refused(site, registration):
    answer = APIClient().post(URL, {"registration": str(registration.pk), "provider": "midtrans"}, format="json")
    assert answer.status_code == 401


def test_a_gateway_that_is_down_answers_503_with_a_stable_code(site, registration, settings, closed_port):
    settings.XENDIT_API_HOST = closed_port
    answer = _client(registration.user).post(URL, {"registration": str(registration.pk), "provider": "xendit"},
                                             format="json")
    assert answer.status_code == 503
    assert answer.json()["code"] == "gateway_unavailable"


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_the_gateway_returns_the_buyer_to_the_pwa_page_asked_for(site, registration, provider):
    from payments.simulator import gateway as simulator
    from payments.simulator.models import SimulatedPayment

    back = f"/app/payment/pending?registration={registration.pk}"
    answer = _client(registration.user).post(
        URL, {"registration": str(registration.pk), "provider": provider, "return_path": back}, format="json"
    )

    assert answer.status_code == 201
    sim = SimulatedPayment.objects.get(order_id=answer.json()["order_id"])
    assert simulator.finish_url(sim).startswith(f"{site}{back}")


@pytest.mark.parametrize(
    "back", ["https://evil.example/app/", "//evil.example/app/", "/admin/", "/app/../admin/", "/app//evil.example"]
)
def test_a_return_path_outside_the_pwa_is_refused(site, registration, back):
    answer = _client(registration.user).post(
        URL, {"registration": str(registration.pk), "provider": "midtrans", "return_path": back}, format="json"
    )
    assert answer.status_code == 400
    assert "return_path" in answer.json()["fields"]
    assert not registration.payments.exists()


def test_naming_how_to_pay_instead_of_a_gateway_picks_the_gateway(site, registration):
    answer = _client(registration.user).post(URL, {"registration": str(registration.pk), "method": "ewallet"},
                                             format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["provider"] == "xendit"


def test_naming_neither_gateway_nor_method_is_a_validation_error(site, registration):
    answer = _client(registration.user).post(URL, {"registration": str(registration.pk)}, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid" and "provider" in answer.json()["fields"]
    assert not Payment.objects.filter(registration=registration).exists()
