"""Site pages of registrations: register for a ticket, the dashboard, a registration and its QR ticket."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events.models import Event

from . import hooks, order_views, qr, services, tickets_pdf
from .forms import RegisterForm
from .models import Registration

Status = Registration.Status


@require_POST
def register(request, slug):
    """Reserve the chosen ticket type; go to the ticket (free), the checkout (paid) or back with the reason."""
    event = get_object_or_404(Event, slug=slug, is_active=True)
    refusal = order_views.buyer_refusal(request, event, next_url=event.get_absolute_url())
    if refusal is not None:
        return refusal
    form = RegisterForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, form.errors["ticket"][0])
        return redirect(event)
    try:
        registration = services.reserve(ticket=form.cleaned_data["ticket"], user=request.user)
    except services.RegistrationError as error:
        messages.error(request, error.message)
        if error.code == "already_registered":
            # Show the ticket they already hold rather than leave them looking for it.
            held = request.user.registrations.filter(event=event, status__in=Registration.ACTIVE_STATUSES).first()
            if held:
                return redirect("registrations:detail", pk=held.pk)
        return redirect(event)
    if registration.status == Status.PAID:
        messages.success(request, _("You are registered. Here is your ticket; we have emailed it to you too."))
        return redirect("registrations:detail", pk=registration.pk)
    checkout = hooks.checkout_url(registration)
    if checkout:
        return redirect(checkout)
    messages.info(
        request,
        _("Your registration is waiting for payment. Online payment is not available yet; your seat is held "
          "until the time shown below."),
    )
    return redirect("registrations:detail", pk=registration.pk)


def _visible_registration(request, pk) -> Registration:
    """Return the registration if the user owns it or is staff; 404 otherwise (never reveal others')."""
    registration = get_object_or_404(Registration.objects.select_related("event", "ticket", "user", "checkin"), pk=pk)
    if registration.user_id != request.user.pk and not request.user.is_staff:
        raise Http404
    return registration


def _view_of(registration: Registration, now) -> dict:
    """Return what the pages show of a registration: it, whether its hold is still open, where to pay."""
    hold_open = registration.status == Status.PENDING and (
        registration.expires_at is None or registration.expires_at > now
    )
    return {
        "registration": registration,
        "hold_open": hold_open,
        "checkout_url": hooks.checkout_url(registration) if hold_open else None,
    }


def _order_view(order, now) -> dict:
    """Return what the dashboard shows of an order: its tickets (lead first) and the lead's payment state."""
    tickets = [_view_of(registration, now) for registration in order.registrations.all()]
    lead = tickets[0]
    return {**lead, "order": order, "tickets": tickets}


@login_required
def dashboard(request):
    """My orders and their tickets: status, event time, QR when paid, pay or cancel while pending."""
    now = timezone.now()
    # A hold whose payment window has run out is no longer a ticket: release it before listing.
    services.expire_stale(now=now, user=request.user)
    orders = request.user.orders.select_related("event", "voucher").prefetch_related(
        Prefetch("registrations", queryset=Registration.objects.select_related("event", "ticket", "checkin", "user")
                 .order_by("pk"))
    ).order_by("-created_at")
    current, history = [], []
    for order in orders:
        if not order.registrations.all():
            continue
        item = _order_view(order, now)
        upcoming = any(r.is_active for r in order.registrations.all()) and order.event.event_date > now
        (current if upcoming else history).append(item)
    current.sort(key=lambda item: item["order"].event.event_date)
    return render(request, "registrations/dashboard.html", {"current": current, "history": history})


@login_required
def registration_detail(request, pk):
    """One registration: the QR ticket once paid, else its payment state."""
    registration = _visible_registration(request, pk)
    now = timezone.now()
    if services.expire_stale(now=now, user=registration.user_id, event_id=registration.event_id):
        registration.refresh_from_db()
    return render(request, "registrations/detail.html", _view_of(registration, now))


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk):
    """Ask first (GET), then cancel one's own registration while it awaits payment, releasing its seat (POST)."""
    registration = get_object_or_404(Registration.objects.select_related("event", "ticket"), pk=pk, user=request.user)
    if registration.status == Status.PENDING and registration.order.registrations.count() > 1:
        # One payment covers the whole order: a pending order is cancelled whole, from its own page.
        if request.method == "GET":
            return redirect("registrations:cancel_order", pk=registration.order_id)
        return order_views.cancel_order(request, registration.order_id)
    if request.method == "GET" and registration.status == Status.PENDING:
        return render(request, "registrations/cancel_confirm.html", {"registration": registration})
    if request.method == "GET":
        return redirect("registrations:detail", pk=registration.pk)
    if registration.status == Status.CANCELLED:
        messages.info(request, _("This registration was already cancelled."))
        return redirect("registrations:dashboard")
    try:
        services.cancel(registration=registration, reason=Registration.CancelReason.USER)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Your registration for %(event)s has been cancelled.") % {"event": registration.event.title}
        )
    return redirect("registrations:dashboard")


def _paid_code(request, pk) -> str:
    registration = _visible_registration(request, pk)
    # A ticket admits only once paid: there is no QR image to show before that.
    if registration.status != Status.PAID:
        raise Http404
    return registration.qr_code


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def qr_png(request, pk):
    """The QR ticket of a paid registration as a PNG image (owner or staff)."""
    return _private(HttpResponse(qr.render_png(_paid_code(request, pk)), content_type="image/png"))


@login_required
@require_GET
def qr_svg(request, pk):
    """The QR ticket of a paid registration as an SVG image (owner or staff)."""
    return _private(HttpResponse(qr.render_svg(_paid_code(request, pk)), content_type="image/svg+xml"))


@login_required
@require_GET
def ticket_pdf(request, pk):
    """The printable ticket of a paid registration as a PDF (owner or staff)."""
    registration = _visible_registration(request, pk)
    if registration.status != Status.PAID:
        raise Http404
    response = _private(HttpResponse(tickets_pdf.render([registration]), content_type=tickets_pdf.CONTENT_TYPE))
    response["Content-Disposition"] = f'attachment; filename="{tickets_pdf.filename(registration)}"'
    return response
