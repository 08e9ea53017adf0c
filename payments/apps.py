from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import reverse

        from registrations import hooks, signals

        from . import receivers, selectors

        signals.registration_cancelled.connect(receivers.registration_cancelled, dispatch_uid="payments.cancelled")
        hooks.register_checkout_url(lambda registration: reverse("payments:checkout", args=[registration.pk]))
        hooks.register_payments(selectors)
