import secrets
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from eventhub.base import TimestampedModel


# Order numbers avoid letters and digits that read alike (0/O, 1/I/L).
ORDER_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_order_number() -> str:
    """Return a fresh order number to quote on the phone or in an email: `EH-` and eight characters."""
    return "EH-" + "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(8))


class Voucher(TimestampedModel):
    """A promo code of one event: a percentage or a fixed rupiah amount off, within limits staff set.

    `used` counts the uses held by pending and paid orders; only the order
    service moves it, with one conditional UPDATE, like `Ticket.sold`.
    """

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        FIXED = "fixed", _("Fixed amount off (IDR)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="vouchers", verbose_name=_("event")
    )
    code = models.CharField(_("code"), max_length=40, help_text=_("Buyers type it in any case."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=0, validators=[MinValueValidator(1)],
        help_text=_("A percentage (1 to 100) or an amount in rupiah, by kind."),
    )
    tickets = models.ManyToManyField(
        "events.Ticket", blank=True, related_name="vouchers", verbose_name=_("ticket types"),
        help_text=_("Leave empty for every ticket type of the event."),
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(
        _("maximum uses"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    used = models.IntegerField(_("times used"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["event", "code"]
        constraints = [
            models.UniqueConstraint(Lower("code"), "event", name="voucher_code_unique_per_event"),
            models.CheckConstraint(condition=Q(used__gte=0), name="voucher_used_not_negative"),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(used__lte=F("max_uses")), name="voucher_used_within_max"
            ),
            models.CheckConstraint(condition=Q(value__gte=1), name="voucher_value_positive"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100), name="voucher_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="voucher_window_ordered",
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        # `used` moves only by the order service's conditional UPDATEs: saving a
        # voucher loaded earlier must never write back a stale count.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "used"
            ]
        super().save(*args, **kwargs)

    @property
    def uses_left(self) -> int | None:
        return None if self.max_uses is None else max(self.max_uses - self.used, 0)


class Order(TimestampedModel):
    """A buyer's purchase of one or more tickets of one event, paid once.

    Each ticket is a `Registration` of the order. The order holds the totals,
    the voucher and the hold's expiry; only `registrations.services` moves
    its status, together with its registrations'.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        REFUNDED = "refunded", _("Refunded")

    ACTIVE_STATUSES = (Status.PENDING, Status.PAID)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("order number"), max_length=16, unique=True, default=new_order_number, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", verbose_name=_("buyer")
    )
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="orders", verbose_name=_("event"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="orders", verbose_name=_("voucher")
    )
    subtotal = models.DecimalField(_("subtotal (IDR)"), max_digits=12, decimal_places=0)
    discount = models.DecimalField(_("discount (IDR)"), max_digits=12, decimal_places=0, default=0)
    total = models.DecimalField(_("total (IDR)"), max_digits=12, decimal_places=0)
    expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(subtotal__gte=0), name="order_subtotal_not_negative"),
            models.CheckConstraint(
                condition=Q(discount__gte=0) & Q(discount__lte=F("subtotal")), name="order_discount_within_subtotal"
            ),
            models.CheckConstraint(condition=Q(total=F("subtotal") - F("discount")), name="order_total_adds_up"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_at__isnull=False), name="order_paid_has_paid_at"),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="order_pending_expiry"),
            models.Index(fields=["user", "event"], name="order_user_event"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    def lead_registration(self) -> "Registration":
        """Return the ticket an order's payment is recorded on: its registration with the lowest id.

        The lowest id, because the services lock an order's registrations in id
        order: the payments app, locking this one first, keeps that order.
        """
        return self.registrations.order_by("pk").first()


class Registration(TimestampedModel):
    """One attendee's ticket for an event: pending until paid, or cancelled.

    Seats: a pending or paid registration holds one seat of its ticket type
    (`Ticket.sold`); only `registrations.services` moves the status. Every
    registration belongs to an order (a single registration is an order of
    one); `user` is the buyer, `attendee_name`/`attendee_email` the person
    the ticket admits (the buyer's by default).
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
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("order"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("user")
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    ticket = models.ForeignKey(
        "events.Ticket", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("ticket type")
    )
    attendee_name = models.CharField(_("attendee name"), max_length=200, blank=True)
    attendee_email = models.EmailField(_("attendee email"), blank=True)
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
            models.CheckConstraint(condition=Q(amount__gte=0), name="registration_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="registration_paid_has_paid_at"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="registration_pending_expiry"),
            models.Index(fields=["event", "status"], name="registration_event_status"),
            models.Index(fields=["event", "updated_at"], name="registration_event_updated"),
            models.Index(fields=["user", "event", "status"], name="registration_user_event"),
        ]

    def __str__(self):
        return f"{self.user} — {self.ticket}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def holder_name(self) -> str:
        """Return the name the ticket admits: the attendee's, else the buyer's."""
        return self.attendee_name or self.user.full_name

    @property
    def holder_email(self) -> str:
        """Return the email the ticket goes to: the attendee's, else the buyer's."""
        return self.attendee_email or self.user.email


class WaitlistEntry(TimestampedModel):
    """A user waiting for seats of a sold-out ticket type; first come, first served by `created_at`.

    An offered entry holds `quantity` seats (counted in `Ticket.sold`, so no
    one else can take them) until `offered_until`; claiming it turns the held
    seats into an order.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered")
        CLAIMED = "claimed", _("Claimed")
        EXPIRED = "expired", _("Offer expired")
        LEFT = "left", _("Left the list")

    OPEN_STATUSES = (Status.WAITING, Status.OFFERED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("user")
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("event")
    )
    ticket = models.ForeignKey(
        "events.Ticket", on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("ticket type")
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offered_until = models.DateTimeField(_("offer held until"), null=True, blank=True)
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("order")
    )

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "ticket"], condition=Q(status__in=["waiting", "offered"]),
                name="one_open_waitlist_entry_per_user_ticket",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="waitlist_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offered_until__isnull=False), name="waitlist_offer_has_deadline"
            ),
        ]
        indexes = [models.Index(fields=["ticket", "status", "created_at"], name="waitlist_queue")]

    def __str__(self):
        return f"{self.user} — {self.ticket} × {self.quantity}"
