"""Midtrans: Snap for checkout, the Core API for status, expiry and refunds (midtransclient)."""

import hashlib
import hmac
import json
import zoneinfo
from collections.abc import Mapping

import midtransclient
import requests
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from midtransclient.error_midtrans import JSONDecodeError as MidtransJSONDecodeError
from midtransclient.error_midtrans import MidtransAPIError

from payments.models import Payment

from . import base

Status = Payment.Status

# transaction_status → our status; `capture` (cards) depends on fraud_status.
STATUSES = {
    "pending": Status.PENDING,
    "authorize": Status.PENDING,
    "settlement": Status.PAID,
    "deny": Status.FAILED,
    "cancel": Status.FAILED,
    "failure": Status.FAILED,
    "expire": Status.EXPIRED,
    "refund": Status.REFUNDED,
    # A partial refund (one ticket of an order) leaves the payment paid for the tickets it still holds.
    "partial_refund": Status.PAID,
}
CAPTURE_BY_FRAUD_STATUS = {
    "accept": Status.PAID,
    "challenge": Status.PENDING,
    "deny": Status.FAILED,
}
# Snap `enabled_payments` codes as the checkout page names them.
METHOD_LABELS = {
    "other_qris": "QRIS", "gopay": "GoPay", "shopeepay": "ShopeePay", "dana": "DANA", "ovo": "OVO",
    "bca_va": "BCA Virtual Account", "bni_va": "BNI Virtual Account", "bri_va": "BRI Virtual Account",
    "permata_va": "Permata Virtual Account", "cimb_va": "CIMB Virtual Account", "bsi_va": "BSI Virtual Account",
    "echannel": "Mandiri Bill Payment", "credit_card": _("Credit card"), "alfamart": "Alfamart",
    "indomaret": "Indomaret", "akulaku": "Akulaku", "kredivo": "Kredivo",
}
# `payment_type` codes Midtrans reports a payment with, where they differ from the Snap codes above.
REPORTED_METHOD_LABELS = {
    "qris": "QRIS", "bank_transfer": _("Bank transfer (virtual account)"), "cstore": _("Convenience store"),
}
# Midtrans reports times in Jakarta time without an offset.
_JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
# Snap's expiry.start_time format.
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def map_status(transaction_status: str, fraud_status: str = "") -> str:
    """Return our status for a Midtrans transaction_status (+ fraud_status); unknown ones wait as pending."""
    if transaction_status == "capture":
        return CAPTURE_BY_FRAUD_STATUS.get(fraud_status or "accept", Status.PENDING)
    return STATUSES.get(transaction_status, Status.PENDING)


def signature(*, order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """Return the `signature_key` Midtrans puts on a notification."""
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


class _TimeoutSession(requests.Session):
    """A requests session that puts a timeout on every call (the SDK sets none)."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


class MidtransGateway(base.Gateway):
    name = "midtrans"
    METHOD_LABELS = METHOD_LABELS
    REPORTED_METHOD_LABELS = REPORTED_METHOD_LABELS

    def _client(self, cls, *, attr: str, configured: str, simulator_path: str):
        client = cls(
            is_production=settings.MIDTRANS_IS_PRODUCTION,
            server_key=settings.MIDTRANS_SERVER_KEY,
            client_key=settings.MIDTRANS_CLIENT_KEY,
            # Fresh dicts: the SDK's defaults are shared between instances.
            custom_headers={},
            proxies={},
        )
        url = base.base_url(configured, simulator_path)
        if url:
            setattr(client.api_config, f"{attr}_SANDBOX_BASE_URL", url)
            setattr(client.api_config, f"{attr}_PRODUCTION_BASE_URL", url)
        client.http_client.http_client = _TimeoutSession(base.timeout())
        return client

    def _snap(self):
        return self._client(midtransclient.Snap, attr="SNAP", configured=settings.MIDTRANS_SNAP_BASE_URL,
                            simulator_path="midtrans/snap/v1")

    def _core(self):
        return self._client(midtransclient.CoreApi, attr="CORE", configured=settings.MIDTRANS_CORE_BASE_URL,
                            simulator_path="midtrans")

    def _call(self, client, func, *args):
        try:
            return func(*args)
        except MidtransAPIError as exc:
            body = exc.api_response_dict or {}
            if exc.http_status_code == 404 or str(body.get("status_code")) == "404":
                raise base.NotFoundAtGateway(exc.message) from exc
            raise base.GatewayError(f"Midtrans answered {exc.http_status_code}: {body or exc.message}") from exc
        except (requests.RequestException, MidtransJSONDecodeError) as exc:
            raise base.GatewayError(f"Midtrans could not be reached: {exc}") from exc
        finally:
            client.http_client.http_client.close()

    def start(self, payment) -> base.StartResult:
        registration = payment.registration
        user = registration.user
        amount = int(payment.amount)
        now = timezone.now()
        name = f"{registration.event.title} - {registration.ticket.name}"
        payload = {
            "transaction_details": {"order_id": payment.order_id, "gross_amount": amount},
            "item_details": [{"id": str(registration.ticket_id)[:50], "price": amount, "quantity": 1,
                              "name": name[:50]}],
            "customer_details": {"first_name": user.full_name[:255], "email": user.email,
                                 "phone": getattr(user, "phone", "") or ""},
            "enabled_payments": self.methods,
            "expiry": {
                "start_time": timezone.localtime(now).strftime(_TIME_FORMAT),
                "unit": "minute",
                # Whole minutes, rounded down: the link never outlives the seat's hold.
                "duration": max(1, base.seconds_left(payment, now=now) // 60),
            },
            "callbacks": {"finish": base.return_url(payment)},
        }
        snap = self._snap()
        answer = self._call(snap, snap.create_transaction, payload)
        if not answer.get("redirect_url"):
            raise base.GatewayError(f"Midtrans answered without a redirect_url: {answer}")
        return base.StartResult(redirect_url=answer["redirect_url"], token=answer.get("token", ""), raw=answer)

    def parse_webhook(self, *, headers: Mapping[str, str], body: bytes) -> base.GatewayEvent:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            raise base.WebhookRejected("The notification is not a JSON object.", code="invalid_payload", status=400)
        given = data.get("signature_key")
        if not isinstance(given, str) or not given:
            raise base.WebhookRejected("The notification carries no signature_key.", code="missing_signature",
                                       status=401)
        expected = signature(
            order_id=str(data.get("order_id", "")),
            status_code=str(data.get("status_code", "")),
            gross_amount=str(data.get("gross_amount", "")),
            server_key=settings.MIDTRANS_SERVER_KEY,
        )
        if not hmac.compare_digest(expected.encode(), given.encode()):
            raise base.WebhookRejected("The notification's signature_key does not match.", code="invalid_signature",
                                       status=403)
        return self._event(data)

    def _event(self, data: dict) -> base.GatewayEvent:
        status = map_status(str(data.get("transaction_status", "")), str(data.get("fraud_status") or ""))
        paid_at = None
        if status == Status.PAID:
            stamp = data.get("settlement_time") or data.get("transaction_time") or ""
            paid_at = _parse_time(stamp)
        return base.GatewayEvent(
            order_id=str(data.get("order_id", "")),
            status=status,
            amount=base.parse_amount(data.get("gross_amount")),
            currency=str(data.get("currency") or "IDR"),
            external_id=str(data.get("transaction_id") or ""),
            payment_method=str(data.get("payment_type") or ""),
            paid_at=paid_at,
            raw=data,
        )

    def fetch_status(self, payment) -> base.GatewayEvent:
        core = self._core()
        return self._event(self._call(core, core.transactions.status, payment.order_id))

    def expire(self, payment) -> None:
        core = self._core()
        self._call(core, core.transactions.expire, payment.order_id)

    def refund(self, payment, *, reason: str, amount=None, key: str = "") -> str:
        core = self._core()
        params = {
            "refund_key": key or f"{payment.order_id}-refund",
            "amount": int(payment.amount if amount is None else amount), "reason": reason[:255],
        }
        try:
            answer = self._call(core, core.transactions.refund, payment.order_id, params)
        except base.NotFoundAtGateway:
            raise
        except base.GatewayError as exc:
            # Midtrans refuses with a 4xx (in the HTTP status or the body's status_code) the
            # payment types it cannot refund, e.g. bank transfers; 5xx and network errors may pass.
            cause = exc.__cause__
            if isinstance(cause, MidtransAPIError) and cause.http_status_code < 500:
                raise base.RefundNotSupported(str(exc)) from exc
            raise
        return str(answer.get("refund_chargeback_id") or answer.get("refund_key") or params["refund_key"])


def _parse_time(stamp: str):
    """Parse Midtrans' `yyyy-MM-dd HH:mm:ss` (Jakarta time) into an aware datetime."""
    value = parse_datetime(stamp) if stamp else None
    if value is None:
        return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=_JAKARTA)
    return value
