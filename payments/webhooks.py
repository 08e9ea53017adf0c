"""Gateway callbacks: stored first, verified, checked against the gateway, then applied once (DESIGN §3, §4)."""

import logging
from collections.abc import Mapping

from django.utils import timezone

from . import gateways
from .gateways import GatewayError, NotFoundAtGateway
from .models import Payment, WebhookEvent
from .transitions import amount_mismatch, apply_event

logger = logging.getLogger(__name__)

# Headers worth keeping with a stored callback; the Xendit token is kept only as "present".
_KEPT_HEADERS = ("content-type", "user-agent", "x-callback-token", "webhook-id", "x-forwarded-for")


def receive_webhook(
    *, provider: str, headers: Mapping[str, str], body: bytes, refusal: str = ""
) -> tuple[int, dict]:
    """Store, verify and apply one gateway callback; return `(HTTP status, JSON body)` for the gateway.

    Order (DESIGN §4): signature/token → order id → the gateway's status call
    → amount and currency → transition. A body holding characters no field
    can take (`refusal` says which) is stored and answered 400 `invalid`.
    """
    record = WebhookEvent.objects.create(
        provider=provider,
        headers=_kept_headers(headers),
        # PostgreSQL text cannot hold NUL: the one character not kept as received.
        body=body.decode("utf-8", errors="replace")[:100_000].replace("\x00", "\ufffd"),
    )

    def answer(status: int, code: str, detail: str, *, payment: Payment | None = None) -> tuple[int, dict]:
        record.outcome = code
        record.detail = detail
        record.payment = payment
        record.processed_at = timezone.now()
        record.save(update_fields=["outcome", "detail", "payment", "processed_at", "verified", "order_id"])
        return status, {"code": code, "detail": detail}

    if refusal:
        logger.warning("Refused a %s callback holding unsafe input: %s", provider, refusal)
        return answer(400, "invalid", f"The callback holds a value no field can take ({refusal}); nothing was done.")
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
            kept[name] = "(present)" if name == "x-callback-token" else value[:500].replace("\x00", "\ufffd")
    return kept
