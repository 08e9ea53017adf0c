"""Payment gateways: one module per gateway behind the interface in `base`."""

from .base import (  # noqa: F401
    Gateway,
    GatewayError,
    GatewayEvent,
    NotFoundAtGateway,
    RefundNotSupported,
    StartResult,
    WebhookRejected,
    get_gateway,
    method_label,
    provider_choices,
)
