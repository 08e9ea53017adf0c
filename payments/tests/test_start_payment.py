"""payments.attempts.start_payment: a fresh order id per attempt, reuse of a live one, a gateway that is down."""


import pytest

from events.models import Ticket
from payments import attempts
from payments.models import Payment, SimulatedPayment
from registrations import services as registration_services
from registrations.models import Registration

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_a_second_click_reuses_the_live_attempt(site, registration, provider):
    first, created = attempts.start_payment(registration=registration, provider=provider)
    again, created_again = attempts.start_payment(registration=registration, provider=provider)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert SimulatedPayment.objects.count() == 1


def test_switching_gateway_closes_the_other_attempt_with_a_new_order_id(site, registration):
    midtrans, _ = attempts.start_payment(registration=registration, provider="xendit")
    xendit, created = attempts.start_payment(registration=registration, provider="midtrans")

    assert created
    assert xendit.order_id != midtrans.order_id
    midtrans.refresh_from_db()
    assert midtrans.status == Payment.Status.EXPIRED
    assert SimulatedPayment.objects.get(order_id=midtrans.order_id).status == "EXPIRED"
    assert Payment.objects.filter(registration=registration, status__in=Payment.LIVE_STATUSES).get() == xendit


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
@pytest.mark.parametrize("down", ["closed_port", "sleeping_server"])
def test_a_gateway_that_is_down_leaves_the_seat_held_and_nothing_half_made(
    site, registration, provider, down, request, settings
):
    settings.PAYMENT_READ_TIMEOUT = 0.5
    url = request.getfixturevalue(down)
    if provider == "midtrans":
        settings.MIDTRANS_SNAP_BASE_URL = f"{url}/snap/v1"
    else:
        settings.XENDIT_API_HOST = url

    with pytest.raises(attempts.PaymentError) as refused:
        attempts.start_payment(registration=registration, provider=provider)

    assert refused.value.code == "gateway_unavailable"
    assert refused.value.status == 503
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1
    attempt = Payment.objects.get(registration=registration)
    assert attempt.status == Payment.Status.FAILED
    assert attempt.redirect_url == ""
    assert not Payment.objects.filter(status__in=Payment.LIVE_STATUSES).exists()

    # Once the gateway answers again, a retry starts a fresh attempt.
    settings.MIDTRANS_SNAP_BASE_URL = settings.XENDIT_API_HOST = ""
    retry, created = attempts.start_payment(registration=registration, provider=provider)
    assert created and retry.status == Payment.Status.PENDING and retry.order_id != attempt.order_id


def test_concurrent_clicks_make_one_attempt(site, registration, race):
    results = race([lambda: attempts.start_payment(registration=registration, provider="midtrans")[0].pk] * 5)

    assert len(results) == 5 and len(set(results)) == 1
    assert Payment.objects.count() == 1
    assert SimulatedPayment.objects.count() == 1


@pytest.mark.parametrize("status, code", [("paid", "already_paid"), ("cancelled", "registration_cancelled")])
def test_it_refuses_a_paid_or_cancelled_registration(site, registration, status, code):
    if status == "paid":
        registration_services.mark_paid(registration=registration)
    else:
        registration_services.cancel(registration=registration)

    with pytest.raises(attempts.PaymentError) as refused:
        attempts.start_payment(registration=registration, provider="midtrans")

    assert refused.value.code == code
    assert not Payment.objects.exists()
