"""POST /api/v1/payments/webhooks/{midtrans,xendit}/: verified, checked with the gateway, applied once."""

import pytest

from events.models import Ticket
from payments import attempts
from payments.models import Payment, WebhookEvent
from registrations.models import Registration

from .conftest import METHOD, midtrans_notification, pay_on_gateway_page, post_webhook, ticket_emails, xendit_callback

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDERS = ["midtrans", "xendit"]


def _paid_body(payment, **changes):
    if payment.provider == "midtrans":
        return midtrans_notification(payment, **changes)
    return xendit_callback(payment, **changes)


def _paid_at_gateway_without_webhook(payment):
    answer = pay_on_gateway_page(payment, method=METHOD[payment.provider], notify="never")
    assert answer.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


@pytest.mark.parametrize("provider", PROVIDERS)
def test_it_refuses_a_forged_callback_and_changes_nothing(site, registration, provider):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    _paid_at_gateway_without_webhook(payment)
    if provider == "midtrans":
        forged = post_webhook(site, provider, midtrans_notification(payment, server_key="SB-Mid-server-forged"))
        unsigned = post_webhook(site, provider, {k: v for k, v in midtrans_notification(payment).items()
                                                 if k != "signature_key"})
    else:
        forged = post_webhook(site, provider, xendit_callback(payment), token="forged-token")
        unsigned = post_webhook(site, provider, xendit_callback(payment), token="")

    assert forged.status_code == 403
    assert forged.json()["code"] in ("invalid_signature", "invalid_token")
    assert unsigned.status_code == 401
    payment.refresh_from_db()
    registration.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert registration.status == Registration.Status.PENDING
    assert list(WebhookEvent.objects.values_list("verified", flat=True)) == [False, False]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_same_callback_five_times_pays_once_and_emails_once(site, registration, provider):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    _paid_at_gateway_without_webhook(payment)

    answers = [post_webhook(site, provider, _paid_body(payment)) for _ in range(5)]

    assert [a.status_code for a in answers] == [200] * 5
    assert [a.json()["code"] for a in answers] == ["paid"] + ["duplicate"] * 4
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PAID
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1
    assert len(ticket_emails(registration)) == 1
    assert WebhookEvent.objects.filter(payment=payment).count() == 5


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_late_pending_callback_after_settlement_leaves_it_paid(site, registration, provider):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    pay_on_gateway_page(payment, method=METHOD[provider])
    if provider == "midtrans":
        late = midtrans_notification(payment, transaction_status="pending", status_code="201")
    else:
        late = xendit_callback(payment, status="PENDING")

    answer = post_webhook(site, provider, late)

    assert answer.status_code == 200
    payment.refresh_from_db()
    registration.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert registration.status == Registration.Status.PAID


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("change, code", [({"amount": 1000}, "amount_mismatch"), ({"currency": "USD"},
                                                                                  "currency_mismatch")])
def test_it_refuses_and_logs_an_amount_or_currency_mismatch(site, registration, provider, change, code, caplog):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    _paid_at_gateway_without_webhook(payment)
    if provider == "midtrans" and "amount" in change:
        change = {"gross_amount": "1000.00"}

    answer = post_webhook(site, provider, _paid_body(payment, **change))

    assert answer.status_code == 400
    assert answer.json()["code"] == code
    payment.refresh_from_db()
    registration.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert registration.status == Registration.Status.PENDING
    assert WebhookEvent.objects.get(payment=payment).outcome == code


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_unknown_order_id_is_answered_2xx_and_logged(site, registration, provider):
    stranger = Payment(order_id="EH-unknown-order", amount=registration.amount, external_id="no-such-invoice",
                       provider=provider)

    answer = post_webhook(site, provider, _paid_body(stranger))

    assert answer.status_code == 200
    assert answer.json()["code"] == "unknown_order"
    event = WebhookEvent.objects.get()
    assert (event.verified, event.outcome, event.order_id) == (True, "unknown_order", "EH-unknown-order")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_failing_status_call_asks_the_gateway_to_retry_and_applies_nothing(
    site, registration, provider, settings, closed_port
):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    _paid_at_gateway_without_webhook(payment)
    settings.MIDTRANS_CORE_BASE_URL = settings.XENDIT_API_HOST = closed_port

    answer = post_webhook(site, provider, _paid_body(payment))

    assert answer.status_code == 503
    assert answer.json()["code"] == "gateway_unavailable"
    payment.refresh_from_db()
    registration.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert registration.status == Registration.Status.PENDING

    # The gateway's retry, once its status call works again, settles it.
    settings.MIDTRANS_CORE_BASE_URL = settings.XENDIT_API_HOST = ""
    assert post_webhook(site, provider, _paid_body(payment)).json()["code"] == "paid"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_failed_or_expired_payment_leaves_the_seat_held_for_a_retry(site, registration, provider):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)

    answer = pay_on_gateway_page(payment, method=METHOD[provider], action="expire")

    assert answer.status_code == 302
    payment.refresh_from_db()
    registration.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert registration.status == Registration.Status.PENDING
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1
    retry, created = attempts.start_payment(registration=registration, provider=provider)
    assert created and retry.order_id != payment.order_id


def test_a_midtrans_card_capture_accepted_pays(site, registration):
    payment, _ = attempts.start_payment(registration=registration, provider="midtrans")

    pay_on_gateway_page(payment, method="credit_card")

    payment.refresh_from_db()
    assert (payment.status, payment.payment_method) == (Payment.Status.PAID, "credit_card")
    assert WebhookEvent.objects.get(payment=payment).outcome == "paid"


def test_a_malformed_body_is_refused_without_a_500(site):
    answer = post_webhook(site, "midtrans", b"not json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_payload"
