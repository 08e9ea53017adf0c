"""The registration emails: received (with the payment link), ticket (QR inline and attached), cancelled."""

from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from . import hooks, qr
from .models import Registration

TEMPLATES = {
    "received": "emails/registrations/received",
    "ticket": "emails/registrations/ticket",
    "cancelled": "emails/registrations/cancelled",
}


def build(*, registration: Registration, kind: str) -> EmailMultiAlternatives:
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
        }
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [registration.user.email])
    message.attach_alternative(html, "text/html")
    if kind == "ticket":
        png = qr.render_png(registration.qr_code, box_size=8)
        inline = MIMEPart()
        inline.set_content(png, maintype="image", subtype="png", disposition="inline", filename="ticket-qr.png",
                           cid="<ticket-qr>")
        message.attach(inline)
        message.attach(f"tiket-{registration.event.slug}.png", png, "image/png")
    return message


def send(*, registration: Registration, kind: str) -> None:
    """Build and send the email of `kind` for a registration."""
    build(registration=registration, kind=kind).send()
