"""Reconciliation: asking the gateways about attempts whose webhook never came (`manage.py reconcile_payments`)."""

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from registrations.models import Registration

from . import gateways
from .gateways import GatewayError, NotFoundAtGateway
from .models import Payment
from .transitions import amount_mismatch, apply_event, fail

logger = logging.getLogger(__name__)

Status = Payment.Status


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
