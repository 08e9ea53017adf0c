"""Xendit: the Invoice API for checkout, status and expiry, the Refund API for refunds (xendit-python)."""

import hmac
import json
from collections.abc import Mapping

import urllib3
import xendit
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from xendit.invoice import InvoiceApi
from xendit.invoice.model.create_invoice_request import CreateInvoiceRequest
from xendit.invoice.model.invoice_item import InvoiceItem
from xendit.refund import RefundApi
from xendit.refund.model.create_refund import CreateRefund

from payments.models import Payment

from . import base

Status = Payment.Status

# Invoice status → our status.
STATUSES = {
    "PENDING": Status.PENDING,
    "PAID": Status.PAID,
    "SETTLED": Status.PAID,
    "EXPIRED": Status.EXPIRED,
}
# Invoice `payment_methods` codes as the checkout page names them.
METHOD_LABELS = {
    "QRIS": "QRIS", "OVO": "OVO", "DANA": "DANA", "SHOPEEPAY": "ShopeePay", "LINKAJA": "LinkAja",
    "GOPAY": "GoPay", "BCA": "BCA Virtual Account", "BNI": "BNI Virtual Account", "BRI": "BRI Virtual Account",
    "MANDIRI": "Mandiri Virtual Account", "PERMATA": "Permata Virtual Account", "BSI": "BSI Virtual Account",
    "CREDIT_CARD": _("Credit card"), "ALFAMART": "Alfamart", "INDOMARET": "Indomaret",
}

# `payment_method` kinds Xendit reports when it names no channel.
REPORTED_METHOD_LABELS = {
    "QR_CODE": "QRIS", "BANK_TRANSFER": _("Bank transfer (virtual account)"), "EWALLET": _("E-wallet"),
    "RETAIL_OUTLET": _("Convenience store"),
}


def map_status(invoice_status: str) -> str:
    """Return our status for a Xendit invoice status; unknown ones wait as pending."""
    return STATUSES.get(invoice_status, Status.PENDING)


def _plain(data: dict) -> dict:
    """Return an SDK model's dict with its datetimes and enums as JSON text."""

    def encode(value):
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return _value(value)

    return json.loads(json.dumps(data, default=encode))


def _value(field) -> str:
    """Return an SDK enum's `.value` (or a plain string) as text."""
    return str(getattr(field, "value", field) or "")


class XenditGateway(base.Gateway):
    name = "xendit"
    METHOD_LABELS = METHOD_LABELS
    REPORTED_METHOD_LABELS = REPORTED_METHOD_LABELS

    def _client(self) -> xendit.ApiClient:
        host = base.base_url(settings.XENDIT_API_HOST, "xendit")
        config = xendit.Configuration(api_key=settings.XENDIT_SECRET_KEY, host=host)
        # One attempt per call: the webhook's retry and reconcile_payments ask again later.
        config.retries = 0
        return xendit.ApiClient(config)

    def _call(self, func, *args, **kwargs):
        try:
            return func(*args, _request_timeout=base.timeout(), **kwargs)
        except xendit.XenditSdkException as exc:
            if str(exc.status) == "404":
                raise base.NotFoundAtGateway(f"Xendit: {exc.errorCode} {exc.errorMessage}") from exc
            raise base.GatewayError(f"Xendit answered {exc.status}: {exc.errorCode} {exc.errorMessage}") from exc
        except json.JSONDecodeError as exc:
            raise base.GatewayError(f"Xendit answered something that is not JSON: {exc}") from exc
        except urllib3.exceptions.HTTPError as exc:
            # MaxRetryError (connection refused, timeouts with retries=0), ReadTimeoutError, ProtocolError.
            raise base.GatewayError(f"Xendit could not be reached: {exc}") from exc

    def start(self, payment) -> base.StartResult:
        registration = payment.registration
        amount = float(int(payment.amount))
        back = base.return_url(payment)
        request = CreateInvoiceRequest(
            external_id=payment.order_id,
            amount=amount,
            currency="IDR",
            payer_email=registration.user.email,
            description=f"{registration.event.title} - {registration.ticket.name}",
            invoice_duration=float(base.seconds_left(payment, now=timezone.now())),
            success_redirect_url=back,
            failure_redirect_url=back,
            payment_methods=self.methods,
            items=[InvoiceItem(name=registration.ticket.name[:255], price=amount, quantity=1.0)],
        )
        with self._client() as client:
            invoice = self._call(InvoiceApi(client).create_invoice, create_invoice_request=request)
        return base.StartResult(
            redirect_url=invoice.invoice_url, external_id=str(invoice.id or ""), raw=_plain(invoice.to_dict())
        )

    def parse_webhook(self, *, headers: Mapping[str, str], body: bytes) -> base.GatewayEvent:
        token = headers.get("x-callback-token")
        if not token:
            raise base.WebhookRejected("The callback carries no x-callback-token.", code="missing_token", status=401)
        if not hmac.compare_digest(token.encode(), settings.XENDIT_CALLBACK_TOKEN.encode()):
            raise base.WebhookRejected("The callback's x-callback-token does not match.", code="invalid_token",
                                       status=403)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            raise base.WebhookRejected("The callback is not a JSON object.", code="invalid_payload", status=400)
        # A plain dict on purpose: the SDK's InvoiceCallback model fails on integer amounts.
        return self._event(data)

    def _event(self, data: dict) -> base.GatewayEvent:
        status = map_status(_value(data.get("status")))
        paid_at = data.get("paid_at")
        if isinstance(paid_at, str):
            paid_at = parse_datetime(paid_at)
        return base.GatewayEvent(
            order_id=str(data.get("external_id") or ""),
            status=status,
            amount=base.parse_amount(data.get("paid_amount") or data.get("amount")),
            currency=_value(data.get("currency")) or "IDR",
            external_id=str(data.get("id") or ""),
            payment_method=_value(data.get("payment_channel") or data.get("payment_method")),
            paid_at=paid_at if status == Status.PAID else None,
            raw=data,
        )

    def fetch_status(self, payment) -> base.GatewayEvent:
        with self._client() as client:
            api = InvoiceApi(client)
            if payment.external_id:
                invoice = self._call(api.get_invoice_by_id, payment.external_id)
            else:
                # The create call failed after the invoice was made: find it by our order id.
                found = self._call(api.get_invoices, external_id=payment.order_id)
                if not found:
                    raise base.NotFoundAtGateway(f"Xendit has no invoice for {payment.order_id}")
                invoice = found[0]
            data = _plain(invoice.to_dict())
        return self._event(data)

    def expire(self, payment) -> None:
        if not payment.external_id:
            raise base.NotFoundAtGateway(f"No Xendit invoice was recorded for {payment.order_id}")
        with self._client() as client:
            self._call(InvoiceApi(client).expire_invoice, payment.external_id)

    def refund(self, payment, *, reason: str, amount=None, key: str = "") -> str:
        key = key or f"{payment.order_id}-refund"
        request = CreateRefund(
            invoice_id=payment.external_id,
            reference_id=key,
            amount=float(int(payment.amount if amount is None else amount)),
            currency="IDR",
            reason="CANCELLATION",
            metadata={"note": reason[:200]},
        )
        try:
            with self._client() as client:
                refund = self._call(RefundApi(client).create_refund, idempotency_key=key,
                                    create_refund=request)
        except base.NotFoundAtGateway:
            raise
        except base.GatewayError as exc:
            cause = exc.__cause__
            # A 4xx is Xendit refusing this payment channel (VA, retail, QRIS); 5xx and network errors may pass.
            if isinstance(cause, xendit.XenditSdkException) and str(cause.status).startswith("4"):
                raise base.RefundNotSupported(str(exc)) from exc
            raise
        return str(refund.id or "")
