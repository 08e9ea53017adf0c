from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from accounts import hooks

        from . import covers, permissions
        from .models import Event, Ticket

        hooks.register_event_roles(permissions.listed_roles)
        post_delete.connect(covers.remove_deleted, sender=Event, dispatch_uid="events.cover.remove_deleted")
        # A saved ticket type or event may sell again (quota raised, sales reopened) or answer otherwise.
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(_forget_ticket, sender=Ticket, dispatch_uid=f"events.soldout.ticket_{name}")
            signal.connect(_forget_event, sender=Event, dispatch_uid=f"events.soldout.event_{name}")


def _forget_ticket(sender, instance, **kwargs):
    from . import soldout

    soldout.forget_on_commit(instance.pk)


def _forget_event(sender, instance, created=False, **kwargs):
    from . import soldout
    from .models import Ticket

    if not created:
        soldout.forget_on_commit(*Ticket.objects.filter(event_id=instance.pk).values_list("pk", flat=True))
