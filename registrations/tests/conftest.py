import pytest

from registrations import hooks


@pytest.fixture
def checkout_hook(monkeypatch):
    """Register a checkout page, `/checkout/<id>/`, the way a payment app does: through the hooks registry."""
    monkeypatch.setattr(hooks, "_checkout_url", None)
    hooks.register_checkout_url(lambda registration: f"/checkout/{registration.pk}/")


@pytest.fixture
def no_payment_app(monkeypatch):
    """Run as if no payment app had registered a checkout page."""
    monkeypatch.setattr(hooks, "_checkout_url", None)
