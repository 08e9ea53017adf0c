"""The ways a buyer pays (QRIS, a bank's virtual account, an e-wallet, a card) and the gateway behind each.

Buyers choose how to pay, not which gateway: each way names the gateways that
offer it, most preferred first (`PAYMENT_METHOD_GATEWAYS` reorders them), and
the first configured gateway that offers at least one of its methods
(`PAYMENT_METHODS`) takes the payment.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import gateways


@dataclass(frozen=True)
class Way:
    code: str
    label: str
    # Each gateway's method codes (as in PAYMENT_METHODS) that belong to this way.
    codes: dict[str, tuple[str, ...]]


WAYS = (
    Way("qris", _("QRIS (scan with any banking or e-wallet app)"),
        {"midtrans": ("other_qris",), "xendit": ("QRIS",)}),
    Way("va", _("Bank virtual account"),
        {"xendit": ("BCA", "BNI", "BRI", "MANDIRI", "PERMATA", "BSI"),
         "midtrans": ("bca_va", "bni_va", "bri_va", "permata_va", "echannel", "cimb_va", "bsi_va")}),
    Way("ewallet", _("E-wallet"),
        {"xendit": ("OVO", "DANA", "SHOPEEPAY", "LINKAJA", "GOPAY"), "midtrans": ("gopay", "shopeepay", "dana", "ovo")}),
    Way("card", _("Credit or debit card"), {"midtrans": ("credit_card",), "xendit": ("CREDIT_CARD",)}),
)
CODES = tuple(way.code for way in WAYS)


def _offered(way: Way, provider: str) -> list[str]:
    enabled = set(settings.PAYMENT_METHODS.get(provider, []))
    return [code for code in way.codes.get(provider, ()) if code in enabled]


def _providers(way: Way) -> list[str]:
    preferred = settings.PAYMENT_METHOD_GATEWAYS.get(way.code)
    order = ([preferred] if preferred else []) + [name for name in way.codes if name != preferred]
    return [name for name in order if name in settings.PAYMENT_PROVIDERS and _offered(way, name)]


def gateway_for(code: str) -> str | None:
    """Return the gateway that takes payments made the way `code` names, or None if none offers it."""
    way = next((way for way in WAYS if way.code == code), None)
    providers = _providers(way) if way else []
    return providers[0] if providers else None


def offers() -> list[dict]:
    """Return the ways to pay on offer, each with its code, label and the names of its banks or apps."""
    result = []
    for way in WAYS:
        providers = _providers(way)
        if providers:
            gateway = gateways.get_gateway(providers[0])
            names = [gateway.method_label(code) for code in _offered(way, providers[0])]
            result.append({"code": way.code, "label": way.label, "names": names, "provider": providers[0]})
    return result
