"""Starting a payment attempt at a gateway (DESIGN §3).

Never call a gateway while holding a row lock: an attempt's row is committed
before the gateway is called, and what the gateway answered is recorded in a
new transaction that re-reads and locks it (`locks.lock_payment`).
"""

import datetime
import logging
import secrets
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.templatetags.eventhub import event_clock
from eventhub.base import DomainError
from registrations import services as registration_services
from registrations.models import Registration

from . import gateways, tasks
from .gateways import GatewayError
from .locks import lock_payment
from .models import Payment

logger = logging.getLogger(__name__)

Status = Payment.Status


class PaymentError(DomainError):
    """A payment the rules refuse (`already_paid`, `gateway_unavailable`, …)."""


def new_order_id(registration: Registration) -> str:
    """Return a fresh gateway order id for one attempt (≤ 50 characters of `[A-Za-z0-9-]`)."""
    return f"EH-{registration.pk.hex[:12]}-{secrets.token_hex(5)}"


def _in_flight_limit() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.PAYMENT_CONNECT_TIMEOUT + settings.PAYMENT_READ_TIMEOUT + 5)


def _unavailable(registration: Registration) -> PaymentError:
    until = event_clock(registration.expires_at, registration.event)
    return PaymentError(
        _("The payment gateway is not answering right now. Your seat stays held until %(time)s: please try again.")
        % {"time": until},
        code="gateway_unavailable",
        status=503,
    )


def start_payment(*, registration: Registration, provider: str, return_path: str = "") -> tuple[Payment, bool]:
    """Start paying a pending registration at `provider`; return `(payment, created)`.

    `return_path` is where the gateway sends the buyer back (a path of the PWA
    under /app/); by default the site's pending page.

    A live attempt at the same provider is reused (no second invoice); one at the
    other provider is closed. The new attempt's row is committed before the
    gateway is called, and marked failed if the gateway does not answer, so the
    seat stays held and nothing is left half-made.
    """
    try:
        gateway = gateways.get_gateway(provider)
    except LookupError:
        raise PaymentError(_("Unknown payment provider."), code="unknown_provider", status=400) from None
    # One payment per order: it is recorded on the order's lead ticket and charges the order's total.
    registration = registration.order.lead_registration()
    now = timezone.now()
    replaced: list[Payment] = []
    with transaction.atomic():
        # The lock order of `locks`: the registration, then its attempts.
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_payable(locked, now=now)
        payment = None
        for live in Payment.objects.select_for_update().filter(registration=locked, status__in=Payment.LIVE_STATUSES):
            if live.provider == provider and (live.status == Status.PENDING or now - live.created_at < _in_flight_limit()):
                payment = live
                continue
            live.status = Status.EXPIRED if live.status == Status.PENDING else Status.FAILED
            live.add_note(f"Closed: the buyer started a {provider} payment instead.")
            live.save(update_fields=["status", "note", "updated_at"])
            replaced.append(live)
        if payment is None:
            payment = Payment.objects.create(
                registration=locked, provider=provider, order_id=new_order_id(locked), amount=locked.order.total,
                currency="IDR", expires_at=locked.expires_at, status=Status.CREATED, return_path=return_path,
            )
            # The registration names its latest attempt (DESIGN §4: payment_ref holds the order id).
            registration_services.set_payment_ref(registration=locked, payment_ref=payment.order_id)
            created = True
        else:
            created = False
    for old in replaced:
        tasks.close_at_gateway.enqueue(str(old.pk))
    if not created:
        return _wait_until_started(payment, registration=locked), False

    try:
        result = gateway.start(payment)
    except GatewayError as exc:
        with transaction.atomic():
            _, failed = lock_payment(payment)
            if failed.status == Status.CREATED:
                failed.status = Status.FAILED
                failed.add_note(f"The gateway did not start the payment: {exc}")
                failed.save(update_fields=["status", "note", "updated_at"])
        logger.warning("Starting %s payment %s failed: %s", provider, payment.order_id, exc)
        raise _unavailable(locked) from exc

    with transaction.atomic():
        _, started = lock_payment(payment)
        started.redirect_url = result.redirect_url
        started.token = result.token
        started.external_id = result.external_id
        started.raw_response = result.raw
        if started.status == Status.CREATED:
            started.status = Status.PENDING
        started.save(update_fields=["redirect_url", "token", "external_id", "raw_response", "status", "updated_at"])
    logger.info("Started %s payment %s for registration %s", provider, started.order_id, registration.pk)
    return started, True


def _check_payable(registration: Registration, *, now: datetime.datetime) -> None:
    if registration.status == Registration.Status.PAID:
        raise PaymentError(_("This registration is already paid."), code="already_paid")
    if registration.status == Registration.Status.CANCELLED:
        raise PaymentError(_("This registration was cancelled."), code="registration_cancelled")
    if registration.expires_at and registration.expires_at <= now:
        raise PaymentError(_("The time to pay for this registration has run out."), code="payment_window_expired")


def _wait_until_started(payment: Payment, *, registration: Registration) -> Payment:
    """Return a live attempt once its gateway call has answered (a second click while the first is in flight)."""
    deadline = time.monotonic() + _in_flight_limit().total_seconds()
    while True:
        payment.refresh_from_db()
        if payment.status == Status.PENDING and payment.redirect_url:
            return payment
        if payment.status != Status.CREATED:
            raise _unavailable(registration)
        if time.monotonic() > deadline:
            raise PaymentError(_("The payment is still being started: please try again."), code="payment_in_progress")
        time.sleep(0.2)
