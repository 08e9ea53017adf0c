"""Keep the store's copy of each room's settings current: on every save of a room, an event or a ticket type.

And on logging out of the site or changing the password, refuse the visitor tokens the user's queue pages
hold (waitingroom/visitors.py).
"""

import logging
import time

from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts.signals import password_changed
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


def _refuse_visitor_tokens(user_id) -> None:
    try:
        visitors.record_logout(user_id=user_id, now=time.time())
    except STORE_ERRORS:  # logging out must work with the store down; its tokens then live out their LIFETIME
        logger.warning("Waiting room: could not refuse the visitor tokens of %s", user_id, exc_info=True)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        _refuse_visitor_tokens(user.pk)


def _password_changed(sender, user, **kwargs):
    # The account's other sessions have ended (Django's session hash): so do the tokens their queue pages
    # hold. A session that lives on (the one that made the change) vouches for its page's next visit.
    transaction.on_commit(lambda: _refuse_visitor_tokens(user.pk))


def connect() -> None:
    user_logged_out.connect(_logged_out, dispatch_uid="waitingroom.logged_out")
    password_changed.connect(_password_changed, dispatch_uid="waitingroom.password_changed")
    post_save.connect(_room_saved, sender=WaitingRoom, dispatch_uid="waitingroom.room_saved")
    post_delete.connect(_room_deleted, sender=WaitingRoom, dispatch_uid="waitingroom.room_deleted")
    post_save.connect(_event_saved, sender=Event, dispatch_uid="waitingroom.event_saved")
    post_delete.connect(_event_deleted, sender=Event, dispatch_uid="waitingroom.event_deleted")
    post_save.connect(_ticket_changed, sender=Ticket, dispatch_uid="waitingroom.ticket_saved")
    post_delete.connect(_ticket_changed, sender=Ticket, dispatch_uid="waitingroom.ticket_deleted")
