import uuid

from django.db import models


class SimulatedPayment(models.Model):
    """A transaction (Midtrans) or invoice (Xendit) as the simulated gateway keeps it.

    In the database, so every server worker and thread sees the same state.
    `status` holds the gateway's own word (`settlement`, `PAID`, …).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gateway = models.CharField(max_length=20)
    order_id = models.CharField(max_length=100, db_index=True)
    token = models.CharField(max_length=64, unique=True)
    transaction_id = models.UUIDField(default=uuid.uuid4)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="IDR")
    status = models.CharField(max_length=20)
    payment_type = models.CharField(max_length=40, blank=True)
    methods = models.JSONField(default=list, blank=True)
    request = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    refund_id = models.CharField(max_length=64, blank=True)
    notifications = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "payments"
        constraints = [
            # Midtrans takes an order_id once; Xendit accepts a repeated external_id.
            models.UniqueConstraint(
                fields=["order_id"], condition=models.Q(gateway="midtrans"), name="simulator_midtrans_order_once"
            )
        ]

    def __str__(self):
        return f"{self.gateway} {self.order_id} {self.status}"


class SimulatorFault(models.Model):
    """How a simulated gateway misbehaves, set by staff through /simulator/faults (fault tests, demos).

    Its API answers after `delay_seconds`, and with 503 when `down`; the
    payment pages a buyer sees are not affected. In the database, so every
    server worker behaves alike.
    """

    gateway = models.CharField(max_length=20, unique=True)
    delay_seconds = models.FloatField(default=0)
    down = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "payments"

    def __str__(self):
        return f"{self.gateway}: delay {self.delay_seconds} s{', down' if self.down else ''}"
