import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eventhub.base import TimestampedModel


class Registration(TimestampedModel):
    """One attendee's ticket for an event: pending until paid, or cancelled.

    Seats: a pending or paid registration holds one seat of its ticket type
    (`Ticket.sold`); only `registrations.services` moves the status.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    class CancelReason(models.TextChoices):
        USER = "user", _("Cancelled by the attendee")
        STAFF = "staff", _("Cancelled by staff")
        EXPIRED = "expired", _("Payment window expired")
        PAYMENT_FAILED = "payment_failed", _("Payment failed")

    ACTIVE_STATUSES = (Status.PENDING, Status.PAID)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("user")
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    ticket = models.ForeignKey(
        "events.Ticket", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("ticket type")
    )
    qr_code = models.CharField(_("QR code"), max_length=80, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(_("amount (IDR)"), max_digits=12, decimal_places=0)
    payment_ref = models.CharField(_("payment reference"), max_length=64, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=20, choices=CancelReason.choices, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"],
                condition=Q(status__in=["pending", "paid"]),
                name="one_active_registration_per_user_event",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="registration_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="registration_paid_has_paid_at"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="registration_pending_expiry"),
            models.Index(fields=["event", "status"], name="registration_event_status"),
            models.Index(fields=["event", "updated_at"], name="registration_event_updated"),
        ]

    def __str__(self):
        return f"{self.user} — {self.ticket}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES
