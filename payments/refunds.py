"""Refunds: through the gateway where its API can, else flagged for staff; and what a cancelled registration closes."""

import logging

from django.db import transaction
from django.utils import timezone

from registrations.models import Registration

from . import gateways, tasks
from .gateways import GatewayError, RefundNotSupported
from .locks import lock_payment
from .models import Payment

logger = logging.getLogger(__name__)

Status = Payment.Status


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
        _, locked = lock_payment(payment)
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
        _, locked = lock_payment(payment)
        if locked.status not in (Status.NEEDS_REFUND, Status.PAID):
            return False
        locked.status = Status.REFUNDED
        locked.refunded_at = timezone.now()
        locked.refund_ref = locked.refund_ref or "manual"
        locked.add_note(f"Refunded by hand, recorded by {by}. {note}".strip())
        locked.save()
    return True


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
            _flag_for_refund(payment)


def _flag_for_refund(payment: Payment) -> None:
    with transaction.atomic():
        _, locked = lock_payment(payment)
        if locked.status == Status.PAID:
            locked.status = Status.NEEDS_REFUND
            locked.save(update_fields=["status", "updated_at"])
