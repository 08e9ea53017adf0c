"""The payments email: a payment that arrived too late for a ticket (DESIGN §2, late payment)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .models import Payment

TEMPLATE = "emails/payments/late_payment"


def build_late_payment(*, payment: Payment) -> EmailMultiAlternatives:
    """Return the email telling an attendee their late payment will be refunded."""
    registration = payment.registration
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "payment": payment,
            "registration": registration,
            "user": registration.user,
            "event": registration.event,
            "dashboard_url": f"{settings.SITE_URL}/dashboard/",
        }
        subject = " ".join(render_to_string(f"{TEMPLATE}_subject.txt", context).split())
        text = render_to_string(f"{TEMPLATE}.txt", context)
        html = render_to_string(f"{TEMPLATE}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [registration.user.email])
    message.attach_alternative(html, "text/html")
    return message


def send_late_payment(*, payment: Payment) -> None:
    """Build and send the late-payment email."""
    build_late_payment(payment=payment).send()
