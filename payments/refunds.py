"""Refunds: through the gateway where its API can, else flagged for staff; and what a cancelled registration closes."""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from registrations.models import Registration

from . import gateways, tasks
from .gateways import GatewayError, RefundNotSupported
from .locks import lock_payment
from .models import Payment, Refund

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
    # Tickets refunded one by one already had their share back: refund what is left.
    left = payment.amount - shares_refunded(payment)
    refund_ref, problem = "", ""
    try:
        refund_ref = gateways.get_gateway(payment.provider).refund(payment, reason=reason, amount=left)
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


def shares_refunded(payment: Payment) -> Decimal:
    """Return how much of a payment went back ticket by ticket (refunded, or owed by hand)."""
    return payment.refunds.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def refund_share(*, payment: Payment, registration: Registration, reason: str) -> str:
    """Refund one ticket's share of a paid order whose other tickets stay paid: through the gateway, else flag it.

    Returns `refunded`, `manual` (a `Refund` left as needing a refund by hand),
    `duplicate` or `ignored` (nothing paid for this ticket).
    """
    if registration.amount <= 0:
        return "ignored"
    with transaction.atomic():
        _, locked = lock_payment(payment)
        if locked.status != Status.PAID:
            return "ignored"
        share, created = Refund.objects.get_or_create(
            payment=locked, registration=registration, defaults={"amount": registration.amount},
        )
        if not created and share.status == Refund.Status.REFUNDED:
            return "duplicate"
    refund_ref, problem = "", ""
    try:
        refund_ref = gateways.get_gateway(locked.provider).refund(
            locked, reason=reason, amount=share.amount, key=f"{locked.order_id}-t{registration.pk.hex[:12]}",
        )
    except RefundNotSupported as exc:
        problem = f"the gateway cannot refund this payment ({exc})"
    except GatewayError as exc:
        problem = f"the gateway refund call failed ({exc})"
    with transaction.atomic():
        _, locked = lock_payment(payment)
        share = Refund.objects.select_for_update().get(pk=share.pk)
        if refund_ref:
            share.status = Refund.Status.REFUNDED
            share.refund_ref = refund_ref[:100]
            share.refunded_at = timezone.now()
            share.note = f"Refunded through {locked.get_provider_display()} ({refund_ref}): {reason}"
            locked.add_note(f"Refunded {share.amount} for ticket {registration.pk} ({refund_ref}).")
        else:
            share.status = Refund.Status.NEEDS_REFUND
            share.note = f"Refund by hand needed: {problem}. {reason}"
            locked.add_note(f"Ticket {registration.pk}: {share.amount} to refund by hand ({problem}).")
        share.save()
        locked.save(update_fields=["note", "updated_at"])
    if refund_ref:
        logger.info("Refunded %s of payment %s for ticket %s", share.amount, locked.order_id, registration.pk)
        return "refunded"
    logger.warning("Ticket %s of payment %s must be refunded by hand: %s", registration.pk, locked.order_id, problem)
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
    """Close the open attempts of a cancelled registration; refund a paid one cancelled by staff.

    The payment is the order's (on its lead ticket). While other tickets of the
    order stay paid, only this ticket's share goes back; once none is left, the
    rest of the payment does.
    """
    for payment in Payment.objects.filter(registration=registration, status__in=Payment.LIVE_STATUSES):
        tasks.close_at_gateway.enqueue(str(payment.pk))
    if reason != Registration.CancelReason.STAFF:
        return
    order = registration.order
    paid = Payment.objects.filter(registration=order.lead_registration(), status__in=(Status.PAID, Status.NEEDS_REFUND))
    still_held = order.registrations.filter(status__in=Registration.ACTIVE_STATUSES).exists()
    for payment in paid:
        try:
            if still_held:
                refund_share(payment=payment, registration=registration, reason="Ticket cancelled by staff.")
            else:
                refund(payment=payment, reason="Registration cancelled by staff.")
        except Exception:  # noqa: BLE001 - the cancel has committed: flag, never lose, the refund
            logger.exception("Refunding payment %s failed", payment.order_id)
            if not still_held:
                _flag_for_refund(payment)


def _flag_for_refund(payment: Payment) -> None:
    with transaction.atomic():
        _, locked = lock_payment(payment)
        if locked.status == Status.PAID:
            locked.status = Status.NEEDS_REFUND
            locked.save(update_fields=["status", "updated_at"])
