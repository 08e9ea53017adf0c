"""Reads of payments that other apps show: what a paid registration was paid by, how a cancelled one was refunded."""

from django.db.models import Sum

from registrations.models import Registration

from .models import Payment, Refund

Status = Payment.Status


def _method(payment: Payment) -> str:
    return payment.method_name or payment.get_provider_display()


def paid_with(registration: Registration) -> dict | None:
    """Return the order number, method and gateway of the payment that paid a registration, or None."""
    payment = Payment.objects.filter(registration=registration, status=Status.PAID).order_by("-paid_at").first()
    if payment is None:
        return None
    return {"order_id": payment.order_id, "method": _method(payment), "gateway": payment.get_provider_display()}


def refund_of(registration: Registration) -> dict | None:
    """Return how a registration's payment was refunded (or awaits a refund by hand), or None if none was paid.

    A ticket refunded on its own (its order's other tickets kept) reports its
    share; otherwise the order's payment reports what went back at the end.
    """
    share = Refund.objects.filter(registration=registration).select_related("payment").first()
    if share is not None:
        return {
            "amount": share.amount,
            "method": _method(share.payment),
            "gateway": share.payment.get_provider_display(),
            "refunded_at": share.refunded_at,
            "done": share.status == Refund.Status.REFUNDED,
        }
    payment = (
        Payment.objects.filter(registration__order_id=registration.order_id,
                               status__in=(Status.REFUNDED, Status.NEEDS_REFUND))
        .order_by("-updated_at")
        .first()
    )
    if payment is None:
        return None
    shares = payment.refunds.aggregate(total=Sum("amount"))["total"] or 0
    return {
        "amount": payment.amount - shares,
        "method": _method(payment),
        "gateway": payment.get_provider_display(),
        "refunded_at": payment.refunded_at,
        "done": payment.status == Status.REFUNDED,
    }
