"""Site pages: checkout (choose how to pay), pending (follows the payment live), success (the QR ticket)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from registrations import hooks, qr
from registrations.models import Registration

from . import attempts, gateways, methods
from .models import Payment


class CheckoutForm(forms.Form):
    """How the buyer pays (QRIS, virtual account, e-wallet, card); the gateway behind it is ours to pick."""

    method = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect, required=False)
    # A gateway named outright (an older page, a test): still accepted.
    provider = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(offer["code"], offer["label"]) for offer in methods.offers()]
        self.fields["provider"].choices = gateways.provider_choices()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("provider"):
            provider = methods.gateway_for(cleaned.get("method") or "")
            if provider is None:
                self.add_error("method", _("Choose how you want to pay."))
            cleaned["provider"] = provider
        return cleaned


def _own_registration(request, registration_id) -> Registration:
    """Return the lead ticket of the user's order that holds `registration_id`: the one its payment is on."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "ticket", "order__voucher"), pk=registration_id,
        user=request.user,
    )
    lead = registration.order.lead_registration()
    if lead.pk != registration.pk:
        lead = Registration.objects.select_related("event", "ticket", "order__voucher").get(pk=lead.pk)
    return lead


def _order_tickets(registration: Registration) -> list[Registration]:
    return list(registration.order.registrations.select_related("ticket", "user").order_by("pk"))


def _latest_payment(registration: Registration) -> Payment | None:
    return registration.payments.order_by("-created_at").first()


def _dashboard_url(registration: Registration) -> str:
    return f"/dashboard/registrations/{registration.pk}/"


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request, registration_id):
    """Show what is being bought and the gateways; POST starts the payment and sends the buyer there."""
    registration = _own_registration(request, registration_id)
    if registration.status == Registration.Status.PAID:
        return redirect("payments:success", registration_id=registration.pk)
    form = CheckoutForm(request.POST or None, initial={"method": methods.CODES[0]})
    status = 200
    if request.method == "POST":
        # A new order waits its turn in the event's waiting room; one placed through it, or started, may always be paid.
        refusal = hooks.site_admission_refusal(request, registration.event, placed_at=registration.created_at)
        if refusal is not None and not Payment.objects.filter(registration__order_id=registration.order_id).exists():
            return refusal
    if request.method == "POST" and form.is_valid():
        try:
            payment, _created = attempts.start_payment(
                registration=registration, provider=form.cleaned_data["provider"]
            )
        except attempts.PaymentError as exc:
            messages.error(request, exc.message)
            status = exc.status
            registration.refresh_from_db()
        else:
            return redirect(payment.redirect_url)
    elif request.method == "POST":
        status = 400
    offers = methods.offers()
    live = registration.payments.filter(status=Payment.Status.PENDING).exclude(redirect_url="").first()
    return render(request, "payments/checkout.html", {
        "registration": registration, "event": registration.event, "ticket": registration.ticket,
        "order": registration.order, "tickets": _order_tickets(registration),
        "form": form, "offers": offers, "live": live,
        "payable": registration.status == Registration.Status.PENDING,
    }, status=status)


@login_required
@require_GET
def pending(request, registration_id):
    """Follow a payment until the gateway's webhook settles it (the gateway's return URL lands here)."""
    registration = _own_registration(request, registration_id)
    if registration.status == Registration.Status.PAID:
        return redirect("payments:success", registration_id=registration.pk)
    return render(request, "payments/pending.html", {
        "registration": registration, "event": registration.event, "payment": _latest_payment(registration),
        "order": registration.order, "tickets": _order_tickets(registration),
        "status_url": reverse("payments:status", args=[registration.pk]),
    })


@login_required
@require_GET
def status(request, registration_id):
    """Return the registration's and its latest payment's state as JSON, for the pending page."""
    registration = _own_registration(request, registration_id)
    payment = _latest_payment(registration)
    return JsonResponse({
        "registration": registration.status,
        "payment": payment.status if payment else None,
        "provider": payment.provider if payment else None,
        "paid": registration.status == Registration.Status.PAID,
        "success_url": reverse("payments:success", args=[registration.pk]),
    })


@login_required
@require_GET
def success(request, registration_id):
    """Show the paid ticket with its QR code."""
    registration = _own_registration(request, registration_id)
    if registration.status != Registration.Status.PAID:
        return redirect("payments:pending", registration_id=registration.pk)
    tickets = [
        {"registration": ticket, "qr_svg": _qr_svg(ticket), "dashboard_url": _dashboard_url(ticket)}
        for ticket in _order_tickets(registration) if ticket.status == Registration.Status.PAID
    ]
    return render(request, "payments/success.html", {
        "registration": registration, "event": registration.event, "ticket": registration.ticket,
        "order": registration.order, "tickets": tickets,
        "payment": registration.payments.filter(status=Payment.Status.PAID).first(),
        "dashboard_url": _dashboard_url(registration),
    })


def _qr_svg(registration: Registration) -> str:
    svg = qr.render_svg(registration.qr_code)
    # Our own generated SVG (no user input in it).
    return mark_safe(svg[svg.find("<svg"):])  # noqa: S308
