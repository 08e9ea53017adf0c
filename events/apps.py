from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete

        from accounts import hooks

        from . import covers, permissions
        from .models import Event

        hooks.register_event_roles(permissions.listed_roles)
        post_delete.connect(covers.remove_deleted, sender=Event, dispatch_uid="events.cover.remove_deleted")
