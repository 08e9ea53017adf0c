from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from events import hooks

        from . import services

        hooks.register_release_expired_holds(lambda *, event_id=None: services.expire_stale(event_id=event_id))
