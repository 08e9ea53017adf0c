"""Background tasks of registrations: the emails, sent after the change commits."""

import logging

from django.tasks import task

from eventhub.mail import retry_later

logger = logging.getLogger(__name__)


@task(queue_name="email")
def send_registration_email(registration_id: str, kind: str, attempt: int = 1) -> None:
    """Send one registration email (`received`, `ticket`, `cancelled`), retrying with backoff on failure."""
    from . import emails
    from .models import Registration

    registration = (
        Registration.objects.select_related("user", "event", "ticket").filter(pk=registration_id).first()
    )
    if registration is None:
        return
    try:
        emails.send(registration=registration, kind=kind)
    except Exception:
        queued = retry_later(send_registration_email, registration_id, kind, attempt=attempt)
        logger.exception(
            "Sending the %s email for registration %s failed (attempt %d, %s)",
            kind, registration_id, attempt, "retry queued" if queued else "giving up",
        )
        if not queued:
            raise


@task(queue_name="email")
def send_waitlist_offer_email(entry_id: str, attempt: int = 1) -> None:
    """Tell the next in line that seats are held for them, with the link to claim them; retry on failure."""
    from . import emails
    from .models import WaitlistEntry

    entry = WaitlistEntry.objects.select_related("user", "event", "ticket").filter(pk=entry_id).first()
    if entry is None or entry.status != WaitlistEntry.Status.OFFERED:
        return
    try:
        emails.send_waitlist_offer(entry=entry)
    except Exception:
        queued = retry_later(send_waitlist_offer_email, entry_id, attempt=attempt)
        logger.exception(
            "Sending the waiting-list offer for entry %s failed (attempt %d, %s)",
            entry_id, attempt, "retry queued" if queued else "giving up",
        )
        if not queued:
            raise
