"""Keep the store's copy of each room's settings current: on every save of a room, an event or a ticket type.

And on logging out of the site, refuse the visitor tokens the user's queue pages hold (waitingroom/visitors.py).
"""

import logging
import time

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save

from events.models import Event, Ticket

from . import gate, services, visitors
from .models import WaitingRoom
from .store import STORE_ERRORS

logger = logging.getLogger(__name__)


def _room_saved(sender, instance: WaitingRoom, **kwargs):
    gate.forget(instance.event_id)
    services.push_room(event=instance.event, waiting_room=instance)


def _room_deleted(sender, instance: WaitingRoom, **kwargs):
    gate.forget(instance.event_id)
    event = Event.objects.filter(pk=instance.event_id).first()
    if event is not None:
        services.push_room(event=event, waiting_room=None)


def _event_saved(sender, instance: Event, created: bool, **kwargs):
    gate.forget(instance.pk)
    # A new event has no room yet: no need to ask the database.
    waiting_room = None if created else WaitingRoom.objects.filter(event=instance).first()
    services.push_room(event=instance, waiting_room=waiting_room)


def _event_deleted(sender, instance: Event, **kwargs):
    gate.forget(instance.pk)
    services.forget_slug(slug=instance.slug)


def _ticket_changed(sender, instance: Ticket, **kwargs):
    # Seats added or removed: sold out may have changed. Only rooms that are on care.
    waiting_room = WaitingRoom.objects.filter(event_id=instance.event_id, enabled=True).select_related("event").first()
    if waiting_room is not None:
        gate.forget(instance.event_id)
        services.push_room(event=waiting_room.event, waiting_room=waiting_room)


def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    try:
        visitors.record_logout(user_id=user.pk, now=time.time())
    except STORE_ERRORS:  # logging out must work with the store down; its tokens then live out their LIFETIME
        logger.warning("Waiting room: could not record the logout of %s", user.pk, exc_info=True)


def connect() -> None:
    user_logged_out.connect(_logged_out, dispatch_uid="waitingroom.logged_out")
    post_save.connect(_room_saved, sender=WaitingRoom, dispatch_uid="waitingroom.room_saved")
    post_delete.connect(_room_deleted, sender=WaitingRoom, dispatch_uid="waitingroom.room_deleted")
    post_save.connect(_event_saved, sender=Event, dispatch_uid="waitingroom.event_saved")
    post_delete.connect(_event_deleted, sender=Event, dispatch_uid="waitingroom.event_deleted")
    post_save.connect(_ticket_changed, sender=Ticket, dispatch_uid="waitingroom.ticket_saved")
    post_delete.connect(_ticket_changed, sender=Ticket, dispatch_uid="waitingroom.ticket_deleted")
