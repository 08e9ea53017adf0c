"""HTTP endpoints of the gateway simulator: the gateways' APIs and their payment pages."""

import base64
import binascii
import datetime
import json
import functools
import re
import time
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAdmin

from . import gateway as sim_gateway
from .models import SimulatedPayment, SimulatorFault

_ORDER_ID = re.compile(r"^[A-Za-z0-9\-_~.]{1,50}$")


def _basic_auth_user(request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:]).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, _, _ = decoded.partition(":")
    return user


def _json_body(request) -> dict | None:
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _faulty(gateway: str):
    """Let a gateway's API answer late, or 503, as staff set it at /simulator/faults (`SimulatorFault`)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            fault = SimulatorFault.objects.filter(gateway=gateway).first()
            if fault is not None and fault.delay_seconds > 0:
                time.sleep(fault.delay_seconds)
            if fault is not None and fault.down:
                if gateway == sim_gateway.MIDTRANS:
                    return _midtrans_core_error("503", "Service unavailable (simulated outage).")
                return _xendit_error(503, "SERVER_ERROR", "Service unavailable (simulated outage).")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _one_transaction(gateway: str, lookup, methods: list[str]):
    """A gateway endpoint about one transaction: `view(request, sim)`, once `lookup(request, key)` found it.

    `lookup` answers the gateway's own error (unauthorised, unknown) as a
    JsonResponse; a POST endpoint is CSRF-exempt, as a gateway's API is.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, **kwargs):
            (key,) = kwargs.values()
            sim = lookup(request, key)
            return sim if isinstance(sim, JsonResponse) else view(request, sim)

        wrapped = require_http_methods(methods)(_faulty(gateway)(wrapper))
        return csrf_exempt(wrapped) if "POST" in methods else wrapped

    return decorate


# --- Midtrans ---------------------------------------------------------------------


def _midtrans_error(http_status: int, messages: list[str]) -> JsonResponse:
    return JsonResponse({"error_messages": messages}, status=http_status)


def _midtrans_core_error(status_code: str, message: str, *, http_status: int | None = None) -> JsonResponse:
    return JsonResponse({"status_code": status_code, "status_message": message, "id": str(uuid.uuid4())},
                        status=http_status or int(status_code))


def _midtrans_authorised(request) -> bool:
    return _basic_auth_user(request) == settings.MIDTRANS_SERVER_KEY


@csrf_exempt
@require_http_methods(["POST"])
@_faulty(sim_gateway.MIDTRANS)
def snap_transactions(request):
    """POST /snap/v1/transactions: create a Snap transaction → 201 {token, redirect_url}."""
    if not _midtrans_authorised(request):
        return _midtrans_error(401, ["Access denied due to unauthorized transaction, please check client or "
                                     "server key"])
    data = _json_body(request)
    if data is None:
        return _midtrans_error(400, ["Request body is not valid JSON"])
    details = data.get("transaction_details") or {}
    order_id = str(details.get("order_id") or "")
    gross_amount = details.get("gross_amount")
    errors = []
    if not _ORDER_ID.match(order_id):
        errors.append("transaction_details.order_id is invalid")
    if not isinstance(gross_amount, int) or gross_amount < 1:
        errors.append("transaction_details.gross_amount must be a positive integer")
    items = data.get("item_details") or []
    if items and sum(int(i.get("price", 0)) * int(i.get("quantity", 0)) for i in items) != gross_amount:
        errors.append("transaction_details.gross_amount is not equal to the sum of item_details")
    if any(len(str(i.get("name", ""))) > 50 for i in items):
        errors.append("item_details.name is too long")
    if errors:
        return _midtrans_error(400, errors)
    expiry = data.get("expiry") or {}
    start = parse_datetime(str(expiry.get("start_time", "")).replace(" +", "+")) or timezone.now()
    unit = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}.get(
        str(expiry.get("unit", "day")), 86400)
    duration = int(expiry.get("duration") or 1) * unit
    try:
        sim = SimulatedPayment.objects.create(
            gateway=sim_gateway.MIDTRANS, order_id=order_id, token=sim_gateway.new_token(),
            amount=Decimal(gross_amount), status="initial", methods=data.get("enabled_payments") or [],
            request=data, expires_at=start + datetime.timedelta(seconds=duration),
        )
    except IntegrityError:
        return _midtrans_error(400, ["transaction_details.order_id has already been taken"])
    redirect_url = settings.SITE_URL + reverse("simulator:midtrans-page", args=[sim.token])
    return JsonResponse({"token": sim.token, "redirect_url": redirect_url}, status=201)


def _midtrans_transaction(request, order_id: str) -> SimulatedPayment | JsonResponse:
    if not _midtrans_authorised(request):
        return _midtrans_core_error("401", "Access denied due to unauthorized transaction")
    sim = SimulatedPayment.objects.filter(gateway=sim_gateway.MIDTRANS, order_id=order_id).first()
    # Core knows a Snap transaction only once the buyer has chosen a method.
    if sim is None or sim.status == "initial":
        return _midtrans_core_error("404", "Transaction doesn't exist.")
    return sim_gateway.refresh_expiry(sim)


@_one_transaction(sim_gateway.MIDTRANS, _midtrans_transaction, ["GET"])
def midtrans_status(request, sim: SimulatedPayment):
    """GET /v2/{order_id}/status."""
    return JsonResponse(sim_gateway.midtrans_json(sim))


@_one_transaction(sim_gateway.MIDTRANS, _midtrans_transaction, ["POST"])
def midtrans_expire(request, sim: SimulatedPayment):
    """POST /v2/{order_id}/expire: only a pending transaction can be expired (407 when done)."""
    if sim.status != sim_gateway.MIDTRANS_PENDING:
        return _midtrans_core_error("412", "Transaction status cannot be updated.", http_status=200)
    sim.status = "expire"
    sim.save(update_fields=["status", "updated_at"])
    return JsonResponse({**sim_gateway.midtrans_json(sim), "status_message": "Success, transaction is expired"})


@_one_transaction(sim_gateway.MIDTRANS, _midtrans_transaction, ["POST"])
def midtrans_refund(request, sim: SimulatedPayment):
    """POST /v2/{order_id}/refund: refund all or part of a settled card, e-wallet or QRIS payment."""
    data = _json_body(request) or {}
    refund_key = str(data.get("refund_key") or "") or sim_gateway.new_token()
    refunds = sim.request.get("_refunds", {})
    if refund_key in refunds:
        pass  # the same refund asked again: the same answer
    elif sim.status not in ("settlement", "capture", "partial_refund"):
        return _midtrans_core_error("412", "Transaction status cannot be updated.", http_status=200)
    elif sim.payment_type not in sim_gateway.MIDTRANS_REFUNDABLE:
        return _midtrans_core_error("412", f"Refund is not available for payment type {sim.payment_type}.",
                                    http_status=200)
    else:
        left = sim.amount - sum(Decimal(str(v)) for v in refunds.values())
        amount = _refund_amount(data.get("amount"), left)
        if amount is None:
            return _midtrans_core_error("412", "Refund amount exceeds the amount left to refund.", http_status=200)
        refunds[refund_key] = str(amount)
        sim.request = {**sim.request, "_refunds": refunds}
        sim.status = "refund" if amount == left else "partial_refund"
        sim.refund_id = refund_key
        sim.save(update_fields=["status", "refund_id", "request", "updated_at"])
    answer = sim_gateway.midtrans_json(sim)
    answer.update(status_message="Success, refund request is approved", refund_key=refund_key,
                  refund_chargeback_id=sim.transaction_id.int % 10**9, refund_amount=f"{Decimal(refunds[refund_key]):.2f}")
    return JsonResponse(answer)


def _refund_amount(asked, left: Decimal) -> Decimal | None:
    """Return the amount a refund request asks for (all that is left when it names none), or None if too much."""
    if asked in (None, ""):
        return left
    try:
        amount = Decimal(str(asked))
    except ArithmeticError:
        return None
    return amount if 0 < amount <= left else None


# --- Xendit -----------------------------------------------------------------------


def _xendit_error(http_status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error_code": code, "message": message}, status=http_status)


def _xendit_unauthorised(request) -> JsonResponse | None:
    if _basic_auth_user(request) != settings.XENDIT_SECRET_KEY:
        return _xendit_error(401, "INVALID_API_KEY", "API key is not authorized for this API service")
    return None


def _xendit_invoice(invoice_id) -> SimulatedPayment:
    try:
        invoice_uuid = uuid.UUID(str(invoice_id))
    except ValueError:
        raise Http404 from None
    return sim_gateway.refresh_expiry(get_object_or_404(SimulatedPayment, gateway=sim_gateway.XENDIT, pk=invoice_uuid))


def _xendit_lookup(request, invoice_id) -> SimulatedPayment | JsonResponse:
    if (refused := _xendit_unauthorised(request)) is not None:
        return refused
    try:
        return _xendit_invoice(invoice_id)
    except Http404:
        return _xendit_error(404, "INVOICE_NOT_FOUND_ERROR", "Invoice not found")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_faulty(sim_gateway.XENDIT)
def xendit_invoices(request):
    """POST /v2/invoices/: create an invoice (a repeated external_id makes another one, as at Xendit).

    GET /v2/invoices?external_id=…: list invoices.
    """
    if (refused := _xendit_unauthorised(request)) is not None:
        return refused
    if request.method == "GET":
        found = SimulatedPayment.objects.filter(gateway=sim_gateway.XENDIT)
        if request.GET.get("external_id"):
            found = found.filter(order_id=request.GET["external_id"])
        invoices = [sim_gateway.xendit_invoice_json(sim_gateway.refresh_expiry(s)) for s in found.order_by("-created_at")]
        return JsonResponse(invoices, safe=False)
    data = _json_body(request)
    if data is None:
        return _xendit_error(400, "API_VALIDATION_ERROR", "Request body is not valid JSON")
    amount = sim_gateway.as_amount(data.get("amount"))
    if not data.get("external_id") or amount is None:
        return _xendit_error(400, "API_VALIDATION_ERROR", "external_id and a positive amount are required")
    if str(data.get("currency") or "IDR") != "IDR":
        return _xendit_error(400, "UNSUPPORTED_CURRENCY", "The simulator takes IDR only")
    duration = float(data.get("invoice_duration") or 86400)
    sim = SimulatedPayment.objects.create(
        gateway=sim_gateway.XENDIT, order_id=str(data["external_id"])[:100], token=sim_gateway.new_token(),
        amount=amount, status=sim_gateway.XENDIT_PENDING, methods=data.get("payment_methods") or [], request=data,
        expires_at=timezone.now() + datetime.timedelta(seconds=duration),
    )
    return JsonResponse(sim_gateway.xendit_invoice_json(sim))


@_one_transaction(sim_gateway.XENDIT, _xendit_lookup, ["GET"])
def xendit_invoice(request, sim: SimulatedPayment):
    """GET /v2/invoices/{id}."""
    return JsonResponse(sim_gateway.xendit_invoice_json(sim))


@_one_transaction(sim_gateway.XENDIT, _xendit_lookup, ["POST"])
def xendit_expire(request, sim: SimulatedPayment):
    """POST /invoices/{id}/expire!: close an unpaid invoice."""
    if sim.status in ("PAID", "SETTLED"):
        return _xendit_error(400, "INVOICE_ALREADY_PAID_ERROR", "A paid invoice cannot be expired")
    sim.status = "EXPIRED"
    sim.save(update_fields=["status", "updated_at"])
    return JsonResponse(sim_gateway.xendit_invoice_json(sim))


@csrf_exempt
@require_http_methods(["POST"])
@_faulty(sim_gateway.XENDIT)
def xendit_refunds(request):
    """POST /refunds: refund a paid invoice in full (e-wallet and card payments only)."""
    if (refused := _xendit_unauthorised(request)) is not None:
        return refused
    data = _json_body(request) or {}
    try:
        sim = _xendit_invoice(data.get("invoice_id"))
    except Http404:
        return _xendit_error(404, "DATA_NOT_FOUND", "Invoice not found")
    if sim.status not in ("PAID", "SETTLED"):
        return _xendit_error(400, "INELIGIBLE_TRANSACTION", "Only a paid invoice can be refunded")
    if sim.payment_type not in sim_gateway.XENDIT_REFUNDABLE:
        return _xendit_error(400, "REFUND_NOT_SUPPORTED", f"{sim.payment_type} payments cannot be refunded by API")
    reference = str(data.get("reference_id") or "")
    refunds = sim.request.get("_refunds", {})
    if reference not in refunds:
        left = sim.amount - sum(Decimal(str(r["amount"])) for r in refunds.values())
        amount = _refund_amount(data.get("amount"), left)
        if amount is None:
            return _xendit_error(400, "REFUND_AMOUNT_EXCEEDED", "The amount exceeds what is left to refund")
        refunds[reference] = {"id": f"rfd-{uuid.uuid4()}", "amount": str(amount)}
        sim.request = {**sim.request, "_refunds": refunds}
        sim.refund_id = refunds[reference]["id"]
        sim.save(update_fields=["refund_id", "request", "updated_at"])
    refund = refunds[reference]
    now = sim_gateway.iso(timezone.now())
    return JsonResponse({
        "id": refund["id"], "invoice_id": str(sim.id), "reference_id": data.get("reference_id"),
        "amount": float(refund["amount"]), "currency": sim.currency, "country": "ID",
        "channel_code": sim.request.get("_chosen", ""), "status": "SUCCEEDED", "reason": data.get("reason"),
        "created": now, "updated": now,
    })


# --- The payment pages ------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
def midtrans_page(request, token):
    """The Snap payment page (Snap's redirect_url)."""
    sim = get_object_or_404(SimulatedPayment, gateway=sim_gateway.MIDTRANS, token=token)
    return _payment_page(request, sim)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def xendit_page(request, invoice_id):
    """The Xendit checkout page (the invoice_url)."""
    return _payment_page(request, _xendit_invoice(invoice_id))


_OPEN = {"initial", sim_gateway.MIDTRANS_PENDING, sim_gateway.XENDIT_PENDING}


def _payment_page(request, sim: SimulatedPayment):
    sim_gateway.refresh_expiry(sim)
    methods = sim_gateway.methods_of(sim)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        method = request.POST.get("method", "")
        if sim.status not in _OPEN:
            error = gettext("This payment is closed.")
        elif action not in ("pay", "choose", "fail", "expire"):
            error = gettext("Unknown action.")
        elif action in ("pay", "choose") and method not in methods:
            error = gettext("Choose a payment method.")
        else:
            due = sim_gateway.apply_action(sim, action=action, method=method)
            notify = request.POST.get("notify", "now")
            if due and notify == "now":
                sim_gateway.notify(sim)
            elif due and notify == "later":
                sim_gateway.notify_later(sim.pk)
            if action == "choose":
                return HttpResponseRedirect(request.path)
            return HttpResponseRedirect(sim_gateway.finish_url(sim))
    notifications = [
        {**sent, "status": sim_gateway.status_label(sent.get("status") or ""), "at": parse_datetime(sent.get("at") or "")}
        for sent in sim.notifications
    ]
    return render(request, "payments/simulator/pay.html", {
        "sim": sim, "methods": methods, "error": error, "open": sim.status in _OPEN,
        "description": _describe(sim), "chosen": sim.request.get("_chosen", ""),
        "status": sim_gateway.status_label(sim.status), "notifications": notifications,
    }, status=400 if error else 200)


def _describe(sim: SimulatedPayment) -> str:
    if sim.gateway == sim_gateway.MIDTRANS:
        items = sim.request.get("item_details") or []
        return ", ".join(str(i.get("name", "")) for i in items)
    return str(sim.request.get("description") or "")


# --- Faults, for tests and demos ------------------------------------------------------


class FaultControl(APIView):
    """GET: how each simulated gateway misbehaves; POST `{gateway, delay_seconds, down}`: change it (admins only).

    `gateway` is `midtrans`, `xendit` or `all`; `{"gateway": "all"}` alone
    makes every gateway answer normally again.
    """

    permission_classes = [IsAdmin]

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(self._state())

    @extend_schema(exclude=True)
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        gateway = data.get("gateway")
        names = [sim_gateway.MIDTRANS, sim_gateway.XENDIT] if gateway == "all" else [gateway]
        try:
            delay = float(data.get("delay_seconds") or 0)
        except (TypeError, ValueError):
            delay = -1
        if not set(names) <= {sim_gateway.MIDTRANS, sim_gateway.XENDIT} or not 0 <= delay <= 120:
            return Response({"code": "invalid", "detail": "gateway: midtrans, xendit or all; delay_seconds: 0-120."},
                            status=400)
        for name in names:
            SimulatorFault.objects.update_or_create(
                gateway=name, defaults={"delay_seconds": delay, "down": bool(data.get("down", False))}
            )
        return Response(self._state())

    @staticmethod
    def _state() -> dict:
        faults = {f.gateway: f for f in SimulatorFault.objects.all()}
        return {
            name: {"delay_seconds": faults[name].delay_seconds if name in faults else 0.0,
                   "down": faults[name].down if name in faults else False}
            for name in (sim_gateway.MIDTRANS, sim_gateway.XENDIT)
        }
