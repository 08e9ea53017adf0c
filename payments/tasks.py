"""Background tasks of payments: closing attempts at the gateway, the late-payment email."""

import logging

from django.tasks import task

from eventhub.mail import retry_later

logger = logging.getLogger(__name__)


@task()
def close_at_gateway(payment_id: str) -> str:
    """Expire an open attempt at its gateway after its registration ended."""
    from . import reconciliation
    from .models import Payment

    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        return "missing"
    return reconciliation.close_at_gateway(payment=payment)


@task(queue_name="email")
def send_late_payment_email(payment_id: str, attempt: int = 1) -> None:
    """Tell an attendee their payment came too late for a ticket and will be refunded."""
    from . import emails
    from .models import Payment

    payment = Payment.objects.select_related("registration__user", "registration__event").filter(pk=payment_id).first()
    if payment is None:
        return
    try:
        emails.send_late_payment(payment=payment)
    except Exception:
        queued = retry_later(send_late_payment_email, payment_id, attempt=attempt)
        logger.exception("Sending the late-payment email for %s failed (attempt %d)", payment_id, attempt)
        if not queued:
            raise
