from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals, tokens

        signals.password_changed.connect(tokens.on_password_changed, dispatch_uid="accounts.password_changed")
