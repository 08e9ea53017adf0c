"""The gateway interface, its results and errors, and the registry (`PAYMENT_PROVIDERS`)."""

import dataclasses
import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string


@dataclasses.dataclass(frozen=True)
class StartResult:
    """What a gateway answered when a payment was started."""

    redirect_url: str
    token: str = ""
    external_id: str = ""
    raw: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class GatewayEvent:
    """A payment's state at a gateway, normalised: `status` is a `Payment.Status` value."""

    order_id: str
    status: str
    amount: Decimal | None
    currency: str
    external_id: str = ""
    payment_method: str = ""
    paid_at: datetime.datetime | None = None
    raw: dict = dataclasses.field(default_factory=dict)


class GatewayError(Exception):
    """The gateway could not be reached, timed out, or refused the call."""


class NotFoundAtGateway(GatewayError):
    """The gateway does not know this payment (yet)."""


class RefundNotSupported(GatewayError):
    """The gateway cannot refund this payment through its API: it must be refunded by hand."""


class WebhookRejected(Exception):
    """A callback that failed verification or could not be read; nothing is applied."""

    def __init__(self, detail: str, *, code: str, status: int):
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.status = status


class Gateway:
    """One payment gateway. Every call has a timeout and raises `GatewayError` on any failure."""

    name: str = ""
    METHOD_LABELS: dict[str, str] = {}
    # What the gateway reports a payment was made with, where its codes differ from METHOD_LABELS'.
    REPORTED_METHOD_LABELS: dict[str, str] = {}

    def start(self, payment) -> StartResult:
        """Create the payment at the gateway; return where to send the buyer."""
        raise NotImplementedError

    def parse_webhook(self, *, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
        """Verify a callback and return what it says; raise `WebhookRejected` if it fails."""
        raise NotImplementedError

    def fetch_status(self, payment) -> GatewayEvent:
        """Ask the gateway for the payment's current state."""
        raise NotImplementedError

    def expire(self, payment) -> None:
        """Close an unpaid payment at the gateway so it can no longer be paid."""
        raise NotImplementedError

    def refund(self, payment, *, reason: str, amount=None, key: str = "") -> str:
        """Refund `amount` of a paid payment (by default all of it); return the gateway's refund reference.

        `key` makes the refund idempotent at the gateway (default `<order id>-refund`); each
        partial refund of one payment needs its own.
        """
        raise NotImplementedError

    @property
    def methods(self) -> list[str]:
        """Return the payment methods offered at this gateway (`PAYMENT_METHODS`)."""
        return list(settings.PAYMENT_METHODS.get(self.name, []))

    def method_labels(self) -> list[str]:
        """Return the names of the offered methods, in the active language, for the checkout page."""
        return [self.method_label(code) for code in self.methods]

    def method_label(self, code: str) -> str:
        """Return the name people know a payment method by (`qris` → "QRIS"); an unknown code made readable."""
        if not code:
            return ""
        label = self.REPORTED_METHOD_LABELS.get(code) or self.METHOD_LABELS.get(code)
        return str(label) if label else code.replace("_", " ").title()


def get_gateway(name: str) -> Gateway:
    """Return the gateway registered under `name` in `PAYMENT_PROVIDERS`."""
    try:
        path = settings.PAYMENT_PROVIDERS[name]
    except KeyError:
        raise LookupError(f"Unknown payment provider {name!r}") from None
    return import_string(path)()


def method_label(provider: str, code: str) -> str:
    """Return the name of the method a payment at `provider` was made with, never the gateway's raw code."""
    try:
        return get_gateway(provider).method_label(code)
    except LookupError:
        return Gateway().method_label(code)


def provider_choices() -> list[tuple[str, str]]:
    """Return `(name, label)` of each configured provider."""
    from payments.models import Payment

    labels = dict(Payment.Provider.choices)
    return [(name, labels.get(name, name.title())) for name in settings.PAYMENT_PROVIDERS]


def timeout() -> tuple[float, float]:
    """Return the (connect, read) timeout every gateway call uses."""
    return (settings.PAYMENT_CONNECT_TIMEOUT, settings.PAYMENT_READ_TIMEOUT)


def base_url(configured: str, simulator_path: str) -> str | None:
    """Return a configured base URL, else the simulator's under SITE_URL when it is on, else None (SDK default)."""
    if configured:
        return configured.rstrip("/")
    if settings.PAYMENT_SIMULATOR:
        return f"{settings.SITE_URL}/simulator/{simulator_path}"
    return None


def return_url(payment) -> str:
    """Return the page the buyer comes back to from the gateway (never proof of payment)."""
    if payment.return_path:
        return settings.SITE_URL + payment.return_path
    return settings.SITE_URL + reverse("payments:pending", args=[payment.registration_id])


def parse_amount(value) -> Decimal | None:
    """Return a gateway amount (`"150000.00"`, `150000.0`) as Decimal rupiah, or None if unreadable."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def seconds_left(payment, *, now: datetime.datetime) -> int:
    """Return the whole seconds left of the registration's hold (the gateway's expiry), at least 60."""
    return max(60, int((payment.expires_at - now).total_seconds()))
