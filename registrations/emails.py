"""The registration emails: received (with the payment link), ticket (QR inline and attached), cancelled; the
buyer's order emails (received, confirmed listing every ticket, cancelled); the waiting-list offer."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from events import ical

from . import hooks, qr, tickets_pdf
from .models import Order, Registration


class TicketEmail(EmailMultiAlternatives):
    """An email whose HTML shows images inline: each sits beside the HTML in multipart/related."""

    def __init__(self, *args, related_images: dict[str, bytes] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.related_images = related_images or {}

    def _add_bodies(self, msg):
        msg = super()._add_bodies(msg)
        if self.related_images:
            html = next(part for part in msg.walk() if part.get_content_type() == "text/html")
            for cid, png in self.related_images.items():
                html.add_related(png, "image", "png", cid=f"<{cid}>", disposition="inline", filename=f"{cid}.png")
        return msg


def _render(base: str, context: dict) -> tuple[str, str, str]:
    """Return the subject (one line), text and HTML of the email whose templates start with `base`."""
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    return subject, render_to_string(f"{base}.txt", context), render_to_string(f"{base}.html", context)


TEMPLATES = {
    "received": "emails/registrations/received",
    "ticket": "emails/registrations/ticket",
    "cancelled": "emails/registrations/cancelled",
}


def build(*, registration: Registration, kind: str) -> TicketEmail:
    """Return the email of `kind` for a registration, rendered in the site's language."""
    base = TEMPLATES[kind]
    with translation.override(settings.LANGUAGE_CODE):
        checkout = hooks.checkout_url(registration)
        context = {
            "registration": registration,
            "user": registration.user,
            "event": registration.event,
            "ticket": registration.ticket,
            "site_url": settings.SITE_URL,
            "checkout_url": f"{settings.SITE_URL}{checkout}" if checkout else "",
            "dashboard_url": f"{settings.SITE_URL}/dashboard/",
            "refund": hooks.refund_summary(registration) if kind == "cancelled" else None,
            "paid_with": hooks.paid_with(registration) if kind == "ticket" else None,
        }
        subject, text, html = _render(base, context)
        pdf = tickets_pdf.render([registration]) if kind == "ticket" else None
    png = qr.render_png(registration.qr_code, box_size=8) if kind == "ticket" else None
    # A ticket goes to the person it admits (the buyer unless they named someone else).
    to = registration.holder_email if kind == "ticket" else registration.user.email
    message = TicketEmail(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to],
        related_images={"ticket-qr": png} if png else None,
    )
    message.attach_alternative(html, "text/html")
    if png:
        message.attach(f"tiket-{registration.event.slug}.png", png, "image/png")
    if pdf:
        message.attach(tickets_pdf.filename(registration), pdf, tickets_pdf.CONTENT_TYPE)
        message.attach(ical.filename(registration.event), ical.render(registration.event), "text/calendar")
    return message


def send(*, registration: Registration, kind: str) -> None:
    """Build and send the email of `kind` for a registration."""
    build(registration=registration, kind=kind).send()


ORDER_TEMPLATES = {
    "received": "emails/registrations/order_received",
    "confirmed": "emails/registrations/order_confirmed",
    "cancelled": "emails/registrations/order_cancelled",
}


def build_order(*, order: Order, kind: str) -> TicketEmail:
    """Return the buyer's email of `kind` for a whole order: every ticket listed, each QR shown when confirmed."""
    base = ORDER_TEMPLATES[kind]
    registrations = list(order.registrations.select_related("ticket", "event", "user").order_by("pk"))
    lead = registrations[0]
    if kind == "confirmed":
        tickets = [r for r in registrations if r.status == Registration.Status.PAID]
    elif kind == "cancelled":
        tickets = [r for r in registrations if r.status == Registration.Status.CANCELLED]
    else:
        tickets = registrations
    images = {f"ticket-qr-{i}": qr.render_png(r.qr_code, box_size=8) for i, r in enumerate(tickets)} \
        if kind == "confirmed" else {}
    with translation.override(settings.LANGUAGE_CODE):
        checkout = hooks.checkout_url(lead)
        context = {
            "order": order, "user": order.user, "event": order.event, "site_url": settings.SITE_URL,
            "tickets": [{"registration": r, "cid": f"ticket-qr-{i}"} for i, r in enumerate(tickets)],
            "reason": tickets[0].cancel_reason if kind == "cancelled" and tickets else "",
            "reason_display": tickets[0].get_cancel_reason_display() if kind == "cancelled" and tickets else "",
            "checkout_url": f"{settings.SITE_URL}{checkout}" if checkout else "",
            "dashboard_url": f"{settings.SITE_URL}/dashboard/",
            "refund": hooks.refund_summary(lead) if kind == "cancelled" else None,
            "paid_with": hooks.paid_with(lead) if kind == "confirmed" else None,
        }
        subject, text, html = _render(base, context)
        pdf = tickets_pdf.render(tickets) if kind == "confirmed" and tickets else None
    message = TicketEmail(subject, text, settings.DEFAULT_FROM_EMAIL, [order.user.email], related_images=images)
    message.attach_alternative(html, "text/html")
    if pdf:
        message.attach(f"tiket-{order.event.slug}-{order.number}.pdf", pdf, tickets_pdf.CONTENT_TYPE)
        message.attach(ical.filename(order.event), ical.render(order.event), "text/calendar")
    return message


def send_order(*, order: Order, kind: str) -> None:
    """Build and send the buyer's email of `kind` for an order."""
    build_order(order=order, kind=kind).send()


def claim_url(entry) -> str:
    """Return the personal link where a waiting-list offer is claimed: the event page, naming the offer."""
    return f"{settings.SITE_URL}{entry.event.get_absolute_url()}?offer={entry.pk}"


def send_waitlist_offer(*, entry) -> None:
    """Send the waiting-list offer: seats held until `offered_until`, and the link to claim them."""
    base = "emails/registrations/waitlist_offer"
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "entry": entry, "user": entry.user, "event": entry.event, "ticket": entry.ticket,
            "claim_url": claim_url(entry), "site_url": settings.SITE_URL,
        }
        subject, text, html = _render(base, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [entry.user.email])
    message.attach_alternative(html, "text/html")
    message.send()
