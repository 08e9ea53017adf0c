"""The payment service: start an attempt, apply what a gateway says, expire, refund (DESIGN §2, §3).

Never call a gateway while holding a row lock: an attempt's row is committed
before the gateway is called, and every transition re-reads and locks it in a
new transaction. Transitions are idempotent and never move a paid payment back;
the registration moves only through `registrations.services`.
"""

import datetime
import logging
import secrets
import time
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from eventhub.base import DomainError
from registrations import services as registration_services
from registrations.models import Registration
from registrations.services import RegistrationError

from . import gateways, tasks
from .gateways import GatewayError, GatewayEvent, NotFoundAtGateway, RefundNotSupported
from .models import Payment, WebhookEvent

logger = logging.getLogger(__name__)

Status = Payment.Status
# Headers worth keeping with a stored callback; the Xendit token is kept only as "present".
_KEPT_HEADERS = ("content-type", "user-agent", "x-callback-token", "webhook-id", "x-forwarded-for")


class PaymentError(DomainError):
    """A payment the rules refuse (`already_paid`, `gateway_unavailable`, …)."""


def new_order_id(registration: Registration) -> str:
    """Return a fresh gateway order id for one attempt (≤ 50 characters of `[A-Za-z0-9-]`)."""
    return f"EH-{registration.pk.hex[:12]}-{secrets.token_hex(5)}"


def _in_flight_limit() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.PAYMENT_CONNECT_TIMEOUT + settings.PAYMENT_READ_TIMEOUT + 5)


def _unavailable(registration: Registration) -> PaymentError:
    until = formats.date_format(timezone.localtime(registration.expires_at), "TIME_FORMAT") if (
        registration.expires_at) else ""
    return PaymentError(
        _("The payment gateway is not answering right now. Your seat stays held until %(time)s: please try again.")
        % {"time": until},
        code="gateway_unavailable",
        status=503,
    )


def start_payment(*, registration: Registration, provider: str) -> tuple[Payment, bool]:
    """Start paying a pending registration at `provider`; return `(payment, created)`.

    A live attempt at the same provider is reused (no second invoice); one at the
    other provider is closed. The new attempt's row is committed before the
    gateway is called, and marked failed if the gateway does not answer, so the
    seat stays held and nothing is left half-made.
    """
    try:
        gateway = gateways.get_gateway(provider)
    except LookupError:
        raise PaymentError(_("Unknown payment provider."), code="unknown_provider", status=400) from None
    now = timezone.now()
    replaced: list[Payment] = []
    with transaction.atomic():
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
                registration=locked, provider=provider, order_id=new_order_id(locked), amount=locked.amount,
                currency="IDR", expires_at=locked.expires_at, status=Status.CREATED,
            )
            # The registration names its latest attempt (DESIGN §4: payment_ref holds the order id).
            Registration.objects.filter(pk=locked.pk).update(payment_ref=payment.order_id)
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
            failed = Payment.objects.select_for_update().get(pk=payment.pk)
            if failed.status == Status.CREATED:
                failed.status = Status.FAILED
                failed.add_note(f"The gateway did not start the payment: {exc}")
                failed.save(update_fields=["status", "note", "updated_at"])
        logger.warning("Starting %s payment %s failed: %s", provider, payment.order_id, exc)
        raise _unavailable(locked) from exc

    with transaction.atomic():
        started = Payment.objects.select_for_update().get(pk=payment.pk)
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


# --- What a gateway says ------------------------------------------------------


def apply_event(*, payment: Payment, event: GatewayEvent) -> str:
    """Apply a gateway's (verified, current) state to a payment; return the outcome."""
    if event.status == Status.PAID:
        return confirm(payment=payment, event=event)
    if event.status in (Status.FAILED, Status.EXPIRED):
        return fail(payment=payment, status=event.status, event=event)
    if event.status == Status.REFUNDED:
        return record_gateway_refund(payment=payment, event=event)
    return "pending"


def confirm(*, payment: Payment, event: GatewayEvent) -> str:
    """Record a payment as paid and pay its registration; idempotent.

    A payment that cannot take its seat any more (sold out after the hold
    expired, cancelled by staff, or a second payment for one registration) is
    kept as `needs_refund` and the attendee is told: a payment is never lost.
    """
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status in Payment.SETTLED_STATUSES:
            return "duplicate"
        registration = Registration.objects.select_for_update().get(pk=locked.registration_id)
        locked.paid_at = event.paid_at or timezone.now()
        locked.payment_method = event.payment_method[:50] or locked.payment_method
        locked.external_id = event.external_id[:100] or locked.external_id
        locked.raw_response = event.raw or locked.raw_response
        refusal = None
        if Payment.objects.filter(registration=registration, status=Status.PAID).exclude(pk=locked.pk).exists():
            refusal = "This registration was already paid by another payment."
        else:
            try:
                registration_services.mark_paid(registration=registration, paid_at=locked.paid_at,
                                                payment_ref=locked.order_id)
            except RegistrationError as exc:
                refusal = f"Paid after the registration could no longer be paid ({exc.code})."
        if refusal:
            locked.status = Status.NEEDS_REFUND
            locked.add_note(refusal)
            transaction.on_commit(lambda: tasks.send_late_payment_email.enqueue(str(locked.pk)))
        else:
            locked.status = Status.PAID
        locked.save()
    if refusal:
        logger.warning("Payment %s needs a refund: %s", locked.order_id, refusal)
        return "needs_refund"
    logger.info("Payment %s paid registration %s", locked.order_id, locked.registration_id)
    return "paid"


def fail(*, payment: Payment, status: str, event: GatewayEvent | None = None) -> str:
    """Record that an open attempt failed or expired at the gateway; never touches a settled one."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status not in Payment.LIVE_STATUSES:
            return "ignored"
        locked.status = status
        if event is not None:
            locked.payment_method = event.payment_method[:50] or locked.payment_method
            locked.raw_response = event.raw or locked.raw_response
        locked.save()
    return status


def record_gateway_refund(*, payment: Payment, event: GatewayEvent) -> str:
    """Record a refund made at the gateway (e.g. from its dashboard); cancel the ticket it paid for."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status == Status.REFUNDED:
            return "duplicate"
        if locked.status not in (Status.PAID, Status.NEEDS_REFUND):
            return "ignored"
        paid_ticket = locked.status == Status.PAID
        locked.status = Status.REFUNDED
        locked.refunded_at = timezone.now()
        locked.add_note("Refunded at the gateway.")
        locked.save()
    if paid_ticket:
        registration_services.cancel(registration=locked.registration, reason=Registration.CancelReason.STAFF)
    return "refunded"


# --- Refunds, expiry and reconciliation ----------------------------------------


def refund(*, payment: Payment, reason: str) -> str:
    """Refund a paid payment through its gateway, or flag it for a refund by hand; never silently.

    Returns `refunded`, `manual` (left as `needs_refund` with a note saying why)
    or `ignored` (nothing paid to refund).
    """
    payment = Payment.objects.get(pk=payment.pk)
    if payment.status not in (Status.PAID, Status.NEEDS_REFUND):
        return "ignored"
    refund_ref, problem = "", ""
    try:
        refund_ref = gateways.get_gateway(payment.provider).refund(payment, reason=reason)
    except RefundNotSupported as exc:
        problem = f"the gateway cannot refund this payment ({exc})"
    except GatewayError as exc:
        problem = f"the gateway refund call failed ({exc})"
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status not in (Status.PAID, Status.NEEDS_REFUND):
            return "ignored"
        if refund_ref:
            locked.status = Status.REFUNDED
            locked.refund_ref = refund_ref[:100]
            locked.refunded_at = timezone.now()
            locked.add_note(f"Refunded through {locked.get_provider_display()} ({refund_ref}): {reason}")
        else:
            locked.status = Status.NEEDS_REFUND
            locked.add_note(f"Refund by hand needed: {problem}. {reason}")
        locked.save()
    if refund_ref:
        logger.info("Refunded payment %s through %s: %s", locked.order_id, locked.provider, refund_ref)
        return "refunded"
    logger.warning("Payment %s must be refunded by hand: %s", locked.order_id, problem)
    return "manual"


def record_manual_refund(*, payment: Payment, by, note: str = "") -> bool:
    """Record that staff refunded a payment by hand; return whether anything changed."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status not in (Status.NEEDS_REFUND, Status.PAID):
            return False
        locked.status = Status.REFUNDED
        locked.refunded_at = timezone.now()
        locked.refund_ref = locked.refund_ref or "manual"
        locked.add_note(f"Refunded by hand, recorded by {by}. {note}".strip())
        locked.save()
    return True


def close_at_gateway(*, payment: Payment) -> str:
    """Expire an open attempt at its gateway (its registration ended), then apply what the gateway says."""
    payment = Payment.objects.get(pk=payment.pk)
    gateway = gateways.get_gateway(payment.provider)
    try:
        gateway.expire(payment)
    except NotFoundAtGateway:
        # Midtrans knows a Snap transaction only once a method is chosen; its link expires with the hold.
        pass
    except GatewayError as exc:
        logger.info("Could not expire %s at the gateway yet (%s); reconcile_payments will ask again", payment, exc)
    return sync_with_gateway(payment=payment)


def sync_with_gateway(*, payment: Payment, now: datetime.datetime | None = None) -> str:
    """Ask the gateway about one attempt and apply its answer; return the outcome."""
    now = now or timezone.now()
    gateway = gateways.get_gateway(payment.provider)
    try:
        event = gateway.fetch_status(payment)
    except NotFoundAtGateway:
        if payment.status in Payment.LIVE_STATUSES and (payment.expires_at is None or payment.expires_at <= now):
            return fail(payment=payment, status=Status.EXPIRED)
        return "not_found"
    except GatewayError as exc:
        logger.warning("Status of %s unavailable: %s", payment, exc)
        return "unavailable"
    mismatch = amount_mismatch(payment=payment, event=event)
    if mismatch:
        logger.error("Payment %s: the gateway reports %s", payment.order_id, mismatch)
        return mismatch
    return apply_event(payment=payment, event=event)


def amount_mismatch(*, payment: Payment, event: GatewayEvent) -> str:
    """Return `amount_mismatch` / `currency_mismatch` if the gateway's figures differ from the payment's, else ''."""
    if event.currency.upper() != payment.currency:
        return "currency_mismatch"
    if event.amount is None or event.amount != payment.amount:
        return "amount_mismatch"
    return ""


def reconcile(*, older_than: datetime.timedelta | None = None, now: datetime.datetime | None = None) -> dict:
    """Ask the gateways about open attempts whose webhook has not come; return counts by outcome."""
    now = now or timezone.now()
    older_than = older_than or datetime.timedelta(minutes=settings.PAYMENT_RECONCILE_AFTER_MINUTES)
    counts: dict[str, int] = {}
    open_attempts = Payment.objects.filter(status__in=Payment.LIVE_STATUSES, created_at__lte=now - older_than)
    for payment in open_attempts.select_related("registration").order_by("created_at").iterator():
        if payment.status == Status.CREATED and not payment.redirect_url and payment.provider == "midtrans":
            # The Snap call never answered: no buyer can hold its link, and Midtrans cannot look it up.
            outcome = fail(payment=payment, status=Status.FAILED)
        else:
            outcome = sync_with_gateway(payment=payment, now=now)
            if outcome == "pending" and payment.registration.status != Registration.Status.PENDING:
                outcome = close_at_gateway(payment=payment)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# --- Webhooks ------------------------------------------------------------------


def receive_webhook(*, provider: str, headers: Mapping[str, str], body: bytes) -> tuple[int, dict]:
    """Store, verify and apply one gateway callback; return `(HTTP status, JSON body)` for the gateway.

    Order (DESIGN §4): signature/token → order id → the gateway's status call
    → amount and currency → transition.
    """
    record = WebhookEvent.objects.create(
        provider=provider,
        headers=_kept_headers(headers),
        body=body.decode("utf-8", errors="replace")[:100_000],
    )

    def answer(status: int, code: str, detail: str, *, payment: Payment | None = None) -> tuple[int, dict]:
        record.outcome = code
        record.detail = detail
        record.payment = payment
        record.processed_at = timezone.now()
        record.save(update_fields=["outcome", "detail", "payment", "processed_at", "verified", "order_id"])
        return status, {"code": code, "detail": detail}

    gateway = gateways.get_gateway(provider)
    try:
        claimed = gateway.parse_webhook(headers=headers, body=body)
    except gateways.WebhookRejected as exc:
        logger.warning("Rejected a %s callback: %s", provider, exc.detail)
        return answer(exc.status, exc.code, exc.detail)
    record.verified = True
    record.order_id = claimed.order_id[:100]

    payment = Payment.objects.filter(provider=provider, order_id=claimed.order_id).first()
    if payment is None:
        logger.warning("A %s callback for unknown order %r", provider, claimed.order_id)
        return answer(200, "unknown_order", "No payment has this order id; nothing was done.")
    try:
        current = gateway.fetch_status(payment)
    except NotFoundAtGateway as exc:
        return answer(200, "not_found_at_gateway", f"The gateway does not know this payment: {exc}", payment=payment)
    except GatewayError as exc:
        logger.warning("Status call for %s failed; asking the gateway to retry: %s", payment.order_id, exc)
        return answer(503, "gateway_unavailable", "The gateway's status call failed; retry later.", payment=payment)
    for event in (claimed, current):
        mismatch = amount_mismatch(payment=payment, event=event)
        if mismatch:
            detail = (f"Expected {payment.amount} {payment.currency}, the gateway said "
                      f"{event.amount} {event.currency}; nothing was applied.")
            logger.error("Payment %s callback refused: %s", payment.order_id, detail)
            return answer(400, mismatch, detail, payment=payment)
    outcome = apply_event(payment=payment, event=current)
    return answer(200, outcome, f"Gateway status {current.status}.", payment=payment)


def _kept_headers(headers: Mapping[str, str]) -> dict:
    kept = {}
    for name in _KEPT_HEADERS:
        value = headers.get(name)
        if value is not None:
            kept[name] = "(present)" if name == "x-callback-token" else value[:500]
    return kept


# --- Registration hooks ----------------------------------------------------------


def on_registration_cancelled(*, registration: Registration, reason: str) -> None:
    """Close the open attempts of a cancelled registration; refund a paid one cancelled by staff."""
    for payment in Payment.objects.filter(registration=registration, status__in=Payment.LIVE_STATUSES):
        tasks.close_at_gateway.enqueue(str(payment.pk))
    if reason != Registration.CancelReason.STAFF:
        return
    for payment in Payment.objects.filter(registration=registration, status__in=(Status.PAID, Status.NEEDS_REFUND)):
        try:
            refund(payment=payment, reason="Registration cancelled by staff.")
        except Exception:  # noqa: BLE001 - the cancel has committed: flag, never lose, the refund
            logger.exception("Refunding payment %s failed", payment.order_id)
            Payment.objects.filter(pk=payment.pk, status=Status.PAID).update(status=Status.NEEDS_REFUND)
