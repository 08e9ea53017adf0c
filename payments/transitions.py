"""Applying what a gateway says about an attempt: paid, failed or expired, refunded (DESIGN §2, §3).

Every transition locks the registration and then the payment (`locks`),
re-reads both, and is idempotent: it never moves a paid payment back. The
registration moves only through `registrations.services`.
"""

import logging

from django.db import transaction
from django.utils import timezone

from registrations import services as registration_services
from registrations.models import Registration
from registrations.services import RegistrationError

from . import tasks
from .gateways import GatewayEvent
from .locks import lock_payment
from .models import Payment

logger = logging.getLogger(__name__)

Status = Payment.Status


def amount_mismatch(*, payment: Payment, event: GatewayEvent) -> str:
    """Return `amount_mismatch` / `currency_mismatch` if the gateway's figures differ from the payment's, else ''."""
    if event.currency.upper() != payment.currency:
        return "currency_mismatch"
    if event.amount is None or event.amount != payment.amount:
        return "amount_mismatch"
    return ""


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
        registration, locked = lock_payment(payment)
        if locked.status in Payment.SETTLED_STATUSES:
            return "duplicate"
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
        _, locked = lock_payment(payment)
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
        _, locked = lock_payment(payment)
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
