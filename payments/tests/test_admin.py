"""The admin: payments (needs-refund filter, search, actions), read-only webhook events, the registration page."""


import pytest
from django.test import Client

from audit.models import AuditEntry
from payments import attempts, refunds
from payments.models import Payment, WebhookEvent
from registrations.models import Registration

from .conftest import METHOD, VA_METHOD, pay_on_gateway_page

pytestmark = pytest.mark.django_db(transaction=True)

@pytest.fixture
def admin_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def _paid(registration, provider="midtrans", method=None):
    payment, _ = attempts.start_payment(registration=registration, provider=provider)
    pay_on_gateway_page(payment, method=method or METHOD[provider])
    payment.refresh_from_db()
    return payment


def test_staff_find_payments_that_need_a_refund(site, registration, admin_client):
    payment = _paid(registration, method=VA_METHOD["midtrans"])
    refunds.refund(payment=payment, reason="test")

    flagged = admin_client.get("/admin/payments/payment/?needs_refund=yes")
    others = admin_client.get("/admin/payments/payment/?needs_refund=no")

    assert flagged.status_code == 200
    assert payment.order_id in flagged.content.decode()
    assert payment.order_id not in others.content.decode()


@pytest.mark.parametrize("term", ["order_id", "external_id", "email"])
def test_staff_search_payments_by_order_id_gateway_id_or_email(site, registration, admin_client, term):
    payment = _paid(registration, provider="xendit")
    query = {"order_id": payment.order_id, "external_id": payment.external_id,
             "email": registration.user.email}[term]

    page = admin_client.get("/admin/payments/payment/", {"q": query})

    assert payment.order_id in page.content.decode()


def test_webhook_events_are_read_only(site, registration, admin_client):
    payment = _paid(registration)
    event = WebhookEvent.objects.get(payment=payment)

    detail = admin_client.get(f"/admin/payments/webhookevent/{event.pk}/change/")
    changed = admin_client.post(f"/admin/payments/webhookevent/{event.pk}/change/", {"outcome": "forged"})

    assert detail.status_code == 200
    assert changed.status_code == 403
    assert WebhookEvent.objects.get(pk=event.pk).outcome == "paid"
    assert admin_client.get("/admin/payments/webhookevent/add/").status_code == 403


def test_record_manual_refund_action(site, registration, admin_client):
    payment = _paid(registration, method=VA_METHOD["midtrans"])
    refunds.refund(payment=payment, reason="test")

    admin_client.post("/admin/payments/payment/", {"action": "record_manual_refund", "_selected_action": [payment.pk]})

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REFUNDED
    entry = AuditEntry.objects.get(action="payment.manual_refund")
    assert entry.object_id == str(payment.pk) and entry.event_id == registration.event_id
    assert entry.changes["status"][1] == "refunded" and entry.ip_address == "127.0.0.1"


def test_refund_through_the_gateway_action_refunds_and_is_audited(site, registration, admin_client, staff):
    payment = _paid(registration, provider="xendit")

    admin_client.post("/admin/payments/payment/", {"action": "refund_through_gateway", "_selected_action": [payment.pk]})

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REFUNDED
    entry = AuditEntry.objects.get(action="payment.refund")
    assert entry.actor == staff and entry.changes == {"outcome": "refunded"}


def test_the_registration_page_shows_its_payments_and_webhook_events(site, registration, admin_client):
    payment = _paid(registration)

    page = admin_client.get(f"/admin/registrations/registration/{registration.pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert payment.order_id in html
    assert f"payment__id__exact={payment.pk}" in html


def test_cancel_and_refund_action_cancels_releases_and_refunds(site, registration, admin_client):
    payment = _paid(registration, provider="xendit")

    answer = admin_client.post("/admin/registrations/registration/", {
        "action": "cancel_and_release_seat", "_selected_action": [registration.pk], "post": "yes"},
        follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 200
    registration.refresh_from_db()
    payment.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.cancel_reason == Registration.CancelReason.STAFF
    assert payment.status == Payment.Status.REFUNDED
    assert AuditEntry.objects.get(action="registration.cancel").changes == {"status": ["paid", "cancelled"]}
    page = answer.content.decode()
    assert "1 of them had been paid and was refunded through the gateway (Rp 150.000); the attendee was emailed." in page
    assert "see its payment for the refund" not in page
    # The action is named as README names it.
    assert "Cancel and refund" in admin_client.get("/admin/registrations/registration/",
                                                   HTTP_ACCEPT_LANGUAGE="en").content.decode()
