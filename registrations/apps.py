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

        from django.db.models.signals import post_save

        from events.models import Ticket

        post_save.connect(_offer_raised_quota, sender=Ticket, dispatch_uid="registrations.offer_raised_quota")


def _offer_raised_quota(sender, instance, created, **kwargs):
    """Offer seats a saved ticket type has free (its quota raised) to its waiting list."""
    if not created:
        from .services import waitlist

        waitlist.offer_seats(ticket_id=instance.pk)
