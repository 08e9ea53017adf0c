"""Site pages of orders (issue 10): the checkout naming each ticket's attendee, cancelling an order, the waiting list.

The event page's ticket form sends its choice here by GET (`qty-<ticket id>`,
`voucher`), so the choice survives a detour through the login page; the
checkout prices it, asks who each ticket admits and places the order by POST.
A waiting-list offer's personal link (`?offer=<entry id>`) opens the same
checkout for the seats held for that user.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.models import Event, Ticket

from . import hooks, services
from .forms import attendee_formset
from .models import Order, Registration, WaitlistEntry

QUANTITY_PREFIX = "qty-"


def _tickets(event: Event) -> dict:
    tickets = {}
    for ticket in event.tickets.all():
        ticket.event = event
        tickets[str(ticket.pk)] = ticket
    return tickets


def _chosen_items(event: Event, data) -> list[services.Item]:
    """Return the lines the ticket form chose (`qty-<ticket id>`: a whole number; 0 or empty leaves a type out)."""
    tickets = _tickets(event)
    items = []
    for key, raw in data.items():
        if not key.startswith(QUANTITY_PREFIX) or not raw.strip():
            continue
        ticket = tickets.get(key[len(QUANTITY_PREFIX):])
        if ticket is None:
            raise services.RegistrationError(_("That ticket type is not offered for this event."), code="invalid",
                                             status=400)
        try:
            quantity = int(raw)
        except ValueError:
            raise services.RegistrationError(
                _("Choose how many tickets of %(ticket)s you want.") % {"ticket": ticket.name}, code="invalid",
                status=400,
            ) from None
        if quantity:
            # A negative number is the service's to refuse, with the rule's own message.
            items.append(services.Item(ticket=ticket, quantity=quantity))
    if not items:
        raise services.RegistrationError(_("Choose at least one ticket."), code="invalid", status=400)
    return items


def _offer(request, event: Event, raw: str) -> WaitlistEntry:
    """Return the user's open waiting-list offer named by a claim link, else raise with why it cannot be claimed."""
    try:
        pk = uuid.UUID(raw)
    except ValueError:
        pk = None
    entry = (
        WaitlistEntry.objects.select_related("ticket__event").filter(pk=pk, event=event).first() if pk else None
    )
    if entry is None or entry.user_id != request.user.pk:
        raise services.RegistrationError(
            _("This waiting-list link is not yours. Log in with the account that joined the list."),
            code="not_found", status=404,
        )
    if entry.status == WaitlistEntry.Status.CLAIMED:
        raise services.RegistrationError(_("You have already claimed these seats: see your dashboard."),
                                         code="offer_expired")
    if entry.status != WaitlistEntry.Status.OFFERED or entry.offered_until <= timezone.now():
        raise services.RegistrationError(
            _("This waiting-list offer has expired: the seats held for you went to the next in line."),
            code="offer_expired",
        )
    return entry


def _event_page_with(event: Event, data) -> str:
    """Return the event page with the buyer's choice kept (quantities, promo code), to correct it there."""
    kept = {key: value[:4] for key, value in data.items() if key.startswith(QUANTITY_PREFIX) and len(key) <= 44}
    if data.get("voucher"):
        kept["voucher"] = data["voucher"][:40]
    return f"{event.get_absolute_url()}?{urlencode(kept)}" if kept and not data.get("offer") else \
        event.get_absolute_url()


def _attendee_labels(quote: services.Quote) -> list[str]:
    """Return a label per ticket, in the order the service names attendees: `Ticket 1 · VIP`."""
    labels = []
    for line in quote.lines:
        for _seat in range(line.quantity):
            labels.append(_("Ticket %(number)d · %(ticket)s") % {"number": len(labels) + 1, "ticket": line.ticket.name})
    return labels


def _kept_fields(quote: services.Quote, *, voucher: str, offer: WaitlistEntry | None) -> list[tuple[str, str]]:
    """Return the hidden fields that carry the choice from the checkout's GET to its POST."""
    kept = [(f"{QUANTITY_PREFIX}{line.ticket.pk}", str(line.quantity)) for line in quote.lines]
    if voucher:
        kept.append(("voucher", voucher))
    if offer is not None:
        kept.append(("offer", str(offer.pk)))
    return kept


def buyer_refusal(request, event, *, next_url):
    """Return where a visitor who may not buy now goes (log in first, or the waiting room's queue), else None."""
    if not request.user.is_authenticated:
        messages.info(request, _("Log in or create an account to register for this event."))
        return redirect_to_login(next_url)
    # The waiting room (when installed) sends a buyer without a pass to the queue.
    return hooks.site_admission_refusal(request, event)


@require_http_methods(["GET", "POST"])
def checkout(request, slug):
    """Price the chosen tickets, ask who each admits, then place the order and go to payment."""
    event = get_object_or_404(Event, slug=slug, is_active=True)
    refusal = buyer_refusal(request, event, next_url=request.get_full_path())
    if refusal is not None:
        return refusal
    data = request.POST if request.method == "POST" else request.GET
    voucher = data.get("voucher", "").strip()[:40]
    offer = None
    try:
        if data.get("offer"):
            offer = _offer(request, event, data["offer"])
            items = [services.Item(ticket=offer.ticket, quantity=offer.quantity)]
        else:
            items = _chosen_items(event, data)
        quote = services.quote_order(event=event, items=items, voucher_code=voucher, user=request.user)
    except services.RegistrationError as error:
        messages.error(request, error.message)
        return redirect(_event_page_with(event, data))
    labels = _attendee_labels(quote)
    formset_class = attendee_formset(count=len(labels))
    initial = [{"name": request.user.full_name, "email": request.user.email}]
    formset = formset_class(request.POST if request.method == "POST" else None, initial=initial, prefix="attendee")
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            attendees = [services.Attendee(name=form.cleaned_data["name"], email=form.cleaned_data["email"])
                         for form in formset]
            try:
                order = services.place_order(
                    user=request.user, event=event, items=items, attendees=attendees, voucher_code=voucher,
                    waitlist_entry=offer,
                )
            except services.RegistrationError as error:
                messages.error(request, error.message)
                status = error.status
            else:
                return _after_placing(request, order)
        else:
            status = 400
            if formset.total_form_count() != len(labels):
                # A form sent with the wrong number of attendees (the choice changed under it): ask again.
                messages.error(request, _("Name one attendee for each ticket."))
                formset = formset_class(initial=initial, prefix="attendee")
    return render(request, "registrations/order_checkout.html", {
        "event": event, "quote": quote, "voucher": voucher, "offer": offer,
        "forms": list(zip(labels, formset.forms, strict=True)), "formset": formset,
        "kept": _kept_fields(quote, voucher=voucher, offer=offer),
    }, status=status)


def _after_placing(request, order: Order):
    """Send the buyer on from a placed order: to payment, or to their tickets when nothing is to pay."""
    lead = order.lead_registration()
    if order.status == Order.Status.PAID:
        messages.success(request, _("Your order is confirmed. Here are your tickets; we have emailed them too."))
        return redirect(f"{reverse('registrations:dashboard')}#order-{order.pk}")
    checkout_url = hooks.checkout_url(lead)
    if checkout_url:
        return redirect(checkout_url)
    messages.info(request, _("Your order is waiting for payment. Your seats are held until the time shown."))
    return redirect(f"{reverse('registrations:dashboard')}#order-{order.pk}")


def event_offer_link(event: Event, entry_id: str) -> str:
    """Return the checkout where the waiting-list offer `entry_id` is claimed."""
    return f"{reverse('registrations:checkout', kwargs={'slug': event.slug})}?{urlencode({'offer': entry_id})}"


@login_required
@require_http_methods(["GET", "POST"])
def cancel_order(request, pk):
    """Ask first (GET), then cancel one's own order while it awaits payment, releasing every seat (POST)."""
    order = get_object_or_404(
        Order.objects.select_related("event").prefetch_related(
            Prefetch("registrations", queryset=Registration.objects.select_related("ticket").order_by("pk"))
        ),
        pk=pk, user=request.user,
    )
    if request.method == "GET" and order.status == Order.Status.PENDING:
        return render(request, "registrations/order_cancel_confirm.html", {"order": order})
    if request.method == "GET" or order.status != Order.Status.PENDING:
        if order.status != Order.Status.PENDING and request.method == "POST":
            messages.info(request, _("This order can no longer be cancelled here."))
        return redirect("registrations:dashboard")
    try:
        services.cancel_order(order=order, reason=Registration.CancelReason.USER)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your order %(number)s for %(event)s has been cancelled.")
                         % {"number": order.number, "event": order.event.title})
    return redirect("registrations:dashboard")


def _ticket_of(event: Event, raw) -> Ticket:
    try:
        pk = uuid.UUID(str(raw))
    except ValueError:
        pk = None
    ticket = event.tickets.filter(pk=pk).first() if pk else None
    if ticket is None:
        raise services.RegistrationError(_("That ticket type is not offered for this event."), code="invalid",
                                         status=400)
    ticket.event = event
    return ticket


@require_POST
def join_waitlist(request, slug):
    """Put the user on a sold-out ticket type's waiting list for the quantity they want."""
    event = get_object_or_404(Event, slug=slug, is_active=True)
    if not request.user.is_authenticated:
        messages.info(request, _("Log in or create an account to join the waiting list."))
        return redirect_to_login(event.get_absolute_url())
    try:
        ticket = _ticket_of(event, request.POST.get("ticket_type"))
        try:
            quantity = int(request.POST.get("quantity") or 1)
        except ValueError:
            raise services.RegistrationError(_("Ask for at least one ticket."), code="invalid", status=400) from None
        entry = services.waitlist.join(user=request.user, ticket=ticket, quantity=quantity)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _(
            "You are on the waiting list for %(ticket)s (place %(position)d). We will email you when seats "
            "come back."
        ) % {"ticket": ticket.name, "position": services.waitlist.position(entry=entry)})
    return redirect(event)


@login_required
@require_POST
def leave_waitlist(request, slug):
    """Take the user off a ticket type's waiting list; seats held for them go to the next in line."""
    event = get_object_or_404(Event, slug=slug, is_active=True)
    try:
        ticket = _ticket_of(event, request.POST.get("ticket_type"))
    except services.RegistrationError as error:
        messages.error(request, error.message)
        return redirect(event)
    if services.waitlist.leave(user=request.user, ticket=ticket) is None:
        messages.info(request, _("You were not on the waiting list for %(ticket)s.") % {"ticket": ticket.name})
    else:
        messages.success(request, _("You have left the waiting list for %(ticket)s.") % {"ticket": ticket.name})
    return redirect(event)
