import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eventhub.base import TimestampedModel


class Payment(TimestampedModel):
    """One payment attempt at a gateway for a registration.

    Every attempt has its own `order_id` (Midtrans refuses a reused one, and
    Xendit would create a second invoice), so a registration can have several.
    """

    class Provider(models.TextChoices):
        MIDTRANS = "midtrans", "Midtrans"
        XENDIT = "xendit", "Xendit"

    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        NEEDS_REFUND = "needs_refund", _("Paid late: needs refund")
        REFUNDED = "refunded", _("Refunded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.PROTECT, related_name="payments", verbose_name=_("registration")
    )
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    order_id = models.CharField(_("order id"), max_length=50, unique=True)
    external_id = models.CharField(_("gateway id"), max_length=100, blank=True, db_index=True)
    amount = models.DecimalField(_("amount (IDR)"), max_digits=12, decimal_places=0)
    currency = models.CharField(_("currency"), max_length=3, default="IDR")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CREATED, db_index=True)
    payment_method = models.CharField(_("payment method"), max_length=50, blank=True)
    token = models.CharField(_("gateway token"), max_length=255, blank=True)
    redirect_url = models.URLField(_("payment page"), max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    raw_response = models.JSONField(_("gateway response"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Where the gateway sends the buyer back: the PWA's own pending page, or (empty) the site's.
    return_path = models.CharField(_("return path"), max_length=200, blank=True)
    refund_ref = models.CharField(_("refund reference"), max_length=100, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    LIVE_STATUSES = (Status.CREATED, Status.PENDING)
    SETTLED_STATUSES = (Status.PAID, Status.NEEDS_REFUND, Status.REFUNDED)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
            # The last line behind start_payment's reuse: one open attempt per registration.
            models.UniqueConstraint(
                fields=["registration"], condition=Q(status__in=["created", "pending"]),
                name="one_live_payment_per_registration",
            ),
        ]

    def __str__(self):
        return self.order_id

    @property
    def method_name(self) -> str:
        """Return the name of the method this was paid with ("QRIS", "BCA Virtual Account"), or ''."""
        from .gateways import method_label

        return method_label(self.provider, self.payment_method)

    def add_note(self, text: str) -> None:
        """Append a dated line to the payment's note (the audit trail staff read in the admin)."""
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S %Z")
        self.note = f"{self.note}\n{stamp} {text}".strip()


class Refund(TimestampedModel):
    """A refund of one ticket's share of a paid order whose other tickets stay paid (staff cancelled that one).

    The payment stays paid; its `refunds` add up what was given back, and a
    later refund of the whole payment returns only what is left.
    """

    class Status(models.TextChoices):
        REFUNDED = "refunded", _("Refunded")
        NEEDS_REFUND = "needs_refund", _("Needs a refund by hand")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.PROTECT, related_name="refunds", verbose_name=_("ticket"),
    )
    amount = models.DecimalField(_("amount (IDR)"), max_digits=12, decimal_places=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEEDS_REFUND)
    refund_ref = models.CharField(_("refund reference"), max_length=100, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("ticket refund")
        verbose_name_plural = _("ticket refunds")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "registration"], name="one_refund_per_ticket"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self):
        return f"{self.payment} − {self.amount}"


class WebhookEvent(models.Model):
    """A gateway callback exactly as it arrived, stored before anything else is done with it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.CharField(_("provider"), max_length=20, choices=Payment.Provider.choices)
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="webhook_events", verbose_name=_("payment")
    )
    order_id = models.CharField(_("order id"), max_length=100, blank=True, db_index=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    body = models.TextField(_("body"), blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    outcome = models.CharField(_("outcome"), max_length=50, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.provider} {self.order_id} {self.outcome}"


# The gateway simulator's state lives in this app's tables (used only while PAYMENT_SIMULATOR is on).
from payments.simulator.models import SimulatedPayment, SimulatorFault  # noqa: E402,F401
