"""Background tasks of accounts: the password reset email."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from eventhub.mail import retry_later

logger = logging.getLogger(__name__)

PASSWORD_RESET_TEMPLATE = "emails/accounts/password_reset"


def build_password_reset_email(*, user, language: str) -> EmailMultiAlternatives:
    """Return the password reset email for `user` with a fresh one-time link, in `language`."""
    # The token is made here, not in the request, so it is never stored with the queued task.
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    with translation.override(language):
        context = {
            "user": user,
            "reset_url": f"{settings.SITE_URL}{path}",
            "site_url": settings.SITE_URL,
            "timeout_days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
        }
        subject = " ".join(render_to_string(f"{PASSWORD_RESET_TEMPLATE}_subject.txt", context).split())
        text = render_to_string(f"{PASSWORD_RESET_TEMPLATE}.txt", context)
        html = render_to_string(f"{PASSWORD_RESET_TEMPLATE}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    return message


@task(queue_name="email")
def send_password_reset_email(user_id: str, language: str, attempt: int = 1) -> None:
    """Send a password reset link to an active account, retrying with backoff on failure."""
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    try:
        build_password_reset_email(user=user, language=language).send()
    except Exception:
        queued = retry_later(send_password_reset_email, user_id, language, attempt=attempt)
        logger.exception(
            "Sending the password reset email to user %s failed (attempt %d, %s)",
            user_id, attempt, "retry queued" if queued else "giving up",
        )
        if not queued:
            raise
