"""The simulated gateways' behaviour: wire formats, transitions and signed notifications."""

import datetime
import json
import logging
import secrets
import threading
import time
import zoneinfo
from decimal import Decimal

import requests
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payments.gateways import midtrans, xendit
from payments.gateways.midtrans import signature

from .models import SimulatedPayment

logger = logging.getLogger(__name__)

MIDTRANS = "midtrans"
XENDIT = "xendit"
_JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
# Seconds before a notification sent "later" goes out.
LATER_SECONDS = 3

# Snap `enabled_payments` code → (payment_type, kind) as Midtrans reports a payment.
MIDTRANS_METHODS = {
    "other_qris": ("qris", "qris"),
    "gopay": ("gopay", "ewallet"),
    "shopeepay": ("shopeepay", "ewallet"),
    "bca_va": ("bank_transfer", "va"),
    "bni_va": ("bank_transfer", "va"),
    "bri_va": ("bank_transfer", "va"),
    "permata_va": ("bank_transfer", "va"),
    "cimb_va": ("bank_transfer", "va"),
    "bsi_va": ("bank_transfer", "va"),
    "echannel": ("echannel", "va"),
    "credit_card": ("credit_card", "card"),
    "alfamart": ("cstore", "retail"),
    "indomaret": ("cstore", "retail"),
}
# Xendit `payment_methods` code → (payment_method, kind).
XENDIT_METHODS = {
    "QRIS": ("QR_CODE", "qris"),
    "OVO": ("EWALLET", "ewallet"),
    "DANA": ("EWALLET", "ewallet"),
    "SHOPEEPAY": ("EWALLET", "ewallet"),
    "LINKAJA": ("EWALLET", "ewallet"),
    "GOPAY": ("EWALLET", "ewallet"),
    "BCA": ("BANK_TRANSFER", "va"),
    "BNI": ("BANK_TRANSFER", "va"),
    "BRI": ("BANK_TRANSFER", "va"),
    "MANDIRI": ("BANK_TRANSFER", "va"),
    "PERMATA": ("BANK_TRANSFER", "va"),
    "BSI": ("BANK_TRANSFER", "va"),
    "CREDIT_CARD": ("CREDIT_CARD", "card"),
    "ALFAMART": ("RETAIL_OUTLET", "retail"),
    "INDOMARET": ("RETAIL_OUTLET", "retail"),
}
# Payment types the simulated gateways can refund through their API (others are refunded by hand).
MIDTRANS_REFUNDABLE = {"credit_card", "gopay", "shopeepay", "qris"}
XENDIT_REFUNDABLE = {"EWALLET", "CREDIT_CARD"}
MIDTRANS_STATUS_CODES = {
    "pending": "201", "settlement": "200", "capture": "200", "deny": "202", "failure": "202",
    "cancel": "200", "expire": "407", "refund": "200",
}
MIDTRANS_PENDING = "pending"
XENDIT_PENDING = "PENDING"
# The simulated gateways' own statuses (Midtrans lower case, Xendit upper case) as the payment page says them.
STATUS_LABELS = {
    "initial": _("Waiting for a payment method"),
    "pending": _("Waiting for payment"), "PENDING": _("Waiting for payment"),
    "settlement": _("Paid"), "capture": _("Paid"), "PAID": _("Paid"), "SETTLED": _("Paid"),
    "deny": _("Failed"), "failure": _("Failed"), "cancel": _("Failed"),
    "expire": _("Expired"), "EXPIRED": _("Expired"),
    "refund": _("Refunded"), "partial_refund": _("Refunded"),
}


def status_label(status: str) -> str:
    """Return a simulated gateway status as people read it (`settlement` → "Paid")."""
    return str(STATUS_LABELS.get(status, status))


def methods_of(sim: SimulatedPayment) -> dict:
    """Return the methods the payment page offers for a transaction: code → (type, label, kind)."""
    table, labels = (MIDTRANS_METHODS, midtrans.METHOD_LABELS) if sim.gateway == MIDTRANS else (
        XENDIT_METHODS, xendit.METHOD_LABELS)
    offered = [code for code in sim.methods if code in table] or list(table)
    return {code: (table[code][0], labels.get(code, code), table[code][1]) for code in offered}


def new_token() -> str:
    return secrets.token_hex(16)


def refresh_expiry(sim: SimulatedPayment, *, now: datetime.datetime | None = None) -> SimulatedPayment:
    """Expire an unpaid transaction whose time has run out, as the gateway would."""
    now = now or timezone.now()
    if sim.status in (MIDTRANS_PENDING, XENDIT_PENDING) and sim.expires_at <= now:
        sim.status = "expire" if sim.gateway == MIDTRANS else "EXPIRED"
        sim.save(update_fields=["status", "updated_at"])
    return sim


def _jakarta(value: datetime.datetime | None) -> str:
    return value.astimezone(_JAKARTA).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def iso(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def midtrans_json(sim: SimulatedPayment) -> dict:
    """Return a Midtrans transaction as the Core status API and notifications carry it."""
    status_code = MIDTRANS_STATUS_CODES.get(sim.status, "200")
    gross_amount = f"{sim.amount:.2f}"
    data = {
        "status_code": status_code,
        "status_message": "Success, transaction is found",
        "transaction_id": str(sim.transaction_id),
        "order_id": sim.order_id,
        "merchant_id": "G000000000",
        "gross_amount": gross_amount,
        "currency": sim.currency,
        "payment_type": sim.payment_type,
        "transaction_time": _jakarta(sim.created_at),
        "transaction_status": sim.status,
        "fraud_status": "accept",
        "expiry_time": _jakarta(sim.expires_at),
        "signature_key": signature(order_id=sim.order_id, status_code=status_code, gross_amount=gross_amount,
                                   server_key=settings.MIDTRANS_SERVER_KEY),
    }
    if sim.paid_at:
        data["settlement_time"] = _jakarta(sim.paid_at)
    if sim.payment_type == "bank_transfer":
        bank = (sim.request.get("_chosen") or "bca_va").removesuffix("_va")
        data["va_numbers"] = [{"bank": bank, "va_number": f"8{sim.transaction_id.int % 10**11:011d}"}]
    if sim.refund_id:
        refunds = sim.request.get("_refunds") or {}
        data["refund_amount"] = f"{sum(Decimal(v) for v in refunds.values()):.2f}" if refunds else gross_amount
    return data


def xendit_invoice_json(sim: SimulatedPayment) -> dict:
    """Return a Xendit invoice with every field the SDK's Invoice model requires."""
    amount = float(sim.amount)
    offered = methods_of(sim)
    kinds = {code: kind for code, (_, _, kind) in offered.items()}
    data = {
        "id": str(sim.id),
        "external_id": sim.order_id,
        "user_id": "5f0c0e0e0e0e0e0e0e0e0e0e",
        "status": sim.status,
        "merchant_name": "EventHub (simulator)",
        "merchant_profile_picture_url": f"{settings.SITE_URL}/static/favicon.png",
        "amount": amount,
        "payer_email": sim.request.get("payer_email"),
        "description": sim.request.get("description"),
        "expiry_date": iso(sim.expires_at),
        "invoice_url": settings.SITE_URL + reverse("simulator:xendit-page", args=[sim.id]),
        "available_banks": [
            {"bank_code": code, "collection_type": "POOL", "account_holder_name": "EVENTHUB", "transfer_amount": amount}
            for code, kind in kinds.items() if kind == "va"
        ],
        "available_retail_outlets": [
            {"retail_outlet_name": code, "transfer_amount": amount} for code, kind in kinds.items() if kind == "retail"
        ],
        "available_ewallets": [{"ewallet_type": code} for code, kind in kinds.items() if kind == "ewallet"],
        "available_qr_codes": [{"qr_code_type": "QRIS"}] if "qris" in kinds.values() else [],
        "available_direct_debits": [],
        "available_paylaters": [],
        "should_send_email": False,
        "created": iso(sim.created_at),
        "updated": iso(sim.updated_at),
        "currency": sim.currency,
        "success_redirect_url": sim.request.get("success_redirect_url"),
        "failure_redirect_url": sim.request.get("failure_redirect_url"),
        "items": sim.request.get("items") or [],
    }
    if sim.paid_at:
        chosen = sim.request.get("_chosen", "")
        data.update(paid_at=iso(sim.paid_at), paid_amount=amount, payment_method=sim.payment_type,
                    payment_channel=chosen)
    return {key: value for key, value in data.items() if value is not None}


def xendit_callback_json(sim: SimulatedPayment) -> dict:
    """Return the body of Xendit's invoice callback (amounts as integers, as Xendit sends them)."""
    invoice = xendit_invoice_json(sim)
    body = {
        "id": invoice["id"],
        "external_id": sim.order_id,
        "user_id": invoice["user_id"],
        "is_high": False,
        "status": sim.status,
        "merchant_name": invoice["merchant_name"],
        "amount": int(sim.amount),
        "payer_email": invoice.get("payer_email"),
        "description": invoice.get("description"),
        "currency": sim.currency,
        "created": invoice["created"],
        "updated": invoice["updated"],
    }
    if sim.paid_at:
        body.update(paid_amount=int(sim.amount), paid_at=invoice["paid_at"], payment_method=sim.payment_type,
                    payment_channel=invoice["payment_channel"], bank_code=invoice["payment_channel"],
                    fees_paid_amount=0, adjusted_received_amount=int(sim.amount))
    return body


def apply_action(sim: SimulatedPayment, *, action: str, method: str) -> bool:
    """Apply what the person did on the payment page; return whether a notification is due."""
    offered = methods_of(sim)
    if method in offered:
        sim.payment_type = offered[method][0]
        sim.request = {**sim.request, "_chosen": method}
    midtrans = sim.gateway == MIDTRANS
    if action == "pay":
        sim.status = ("capture" if sim.payment_type == "credit_card" else "settlement") if midtrans else "PAID"
        sim.paid_at = timezone.now()
    elif action == "choose":
        # Midtrans learns of a transaction once a method is chosen and says so; Xendit stays silent.
        sim.status = MIDTRANS_PENDING if midtrans else XENDIT_PENDING
    elif action == "fail":
        # A declined card or e-wallet: Midtrans ends the transaction, a Xendit invoice stays open.
        sim.status = ("deny" if sim.payment_type == "credit_card" else "failure") if midtrans else XENDIT_PENDING
    elif action == "expire":
        sim.status = "expire" if midtrans else "EXPIRED"
    sim.save()
    return midtrans or action in ("pay", "expire")


def webhook_url(gateway: str) -> str:
    return settings.SITE_URL + reverse(f"payments-webhook-{gateway}")


def notify(sim: SimulatedPayment) -> int | None:
    """Send the gateway's notification for a transaction's current state; return our HTTP answer."""
    if sim.gateway == MIDTRANS:
        body, headers = midtrans_json(sim), {}
    else:
        body, headers = xendit_callback_json(sim), {"x-callback-token": settings.XENDIT_CALLBACK_TOKEN,
                                                    "webhook-id": secrets.token_hex(8)}
    headers |= {"content-type": "application/json", "user-agent": f"{sim.gateway}-simulator"}
    started = time.monotonic()
    try:
        answer = requests.post(webhook_url(sim.gateway), data=json.dumps(body), headers=headers, timeout=15)
        status = answer.status_code
    except requests.RequestException as exc:
        logger.warning("Simulator notification for %s failed: %s", sim.order_id, exc)
        status = None
    entry = {"status": body.get("transaction_status") or body.get("status"), "answer": status,
             "ms": round((time.monotonic() - started) * 1000), "at": iso(timezone.now())}
    SimulatedPayment.objects.filter(pk=sim.pk).update(notifications=[*sim.notifications, entry])
    sim.notifications = [*sim.notifications, entry]
    return status


def notify_later(sim_id, *, delay: float = LATER_SECONDS) -> threading.Thread:
    """Send the notification from a background thread after `delay` seconds, as a slow gateway would."""

    def run():
        try:
            time.sleep(delay)
            notify(SimulatedPayment.objects.get(pk=sim_id))
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def finish_url(sim: SimulatedPayment) -> str:
    """Return where the payment page sends the buyer back to."""
    if sim.gateway == MIDTRANS:
        base_url = (sim.request.get("callbacks") or {}).get("finish") or settings.SITE_URL
        status_code = MIDTRANS_STATUS_CODES.get(sim.status, "200")
        separator = "&" if "?" in base_url else "?"
        return f"{base_url}{separator}order_id={sim.order_id}&status_code={status_code}&transaction_status={sim.status}"
    key = "success_redirect_url" if sim.status in ("PAID", "SETTLED") else "failure_redirect_url"
    return sim.request.get(key) or settings.SITE_URL


def as_amount(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return None
    return amount if amount.is_finite() and amount > 0 else None
