"""A waiting room in front of one event's on-sale (issue 12).

The row holds what staff set; the queue itself lives in the store
(waitingroom/store.py), never in PostgreSQL.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eventhub.base import TimestampedModel
from events.models import Event

MAX_RATE_PER_MINUTE = 1_000_000


class WaitingRoom(TimestampedModel):
    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="waiting_room", verbose_name=_("event"), primary_key=True
    )
    enabled = models.BooleanField(
        _("on"), default=False,
        help_text=_("While on, buying this event's tickets needs an admission pass from the waiting room."),
    )
    opens_at = models.DateTimeField(
        _("opens at"), default=timezone.now,
        help_text=_("Everyone who joins before this time gets a random place; after it, first come first served."),
    )
    rate_per_minute = models.PositiveIntegerField(
        _("admissions per minute"), default=100,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RATE_PER_MINUTE)],
        help_text=_("How many people in the queue are let through to buy each minute."),
    )
    paused = models.BooleanField(_("paused"), default=False, help_text=_("Let nobody else through until resumed."))

    class Meta:
        verbose_name = _("waiting room")
        verbose_name_plural = _("waiting rooms")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_per_minute__gte=1, rate_per_minute__lte=MAX_RATE_PER_MINUTE),
                name="waitingroom_rate_in_range",
            ),
        ]

    def __str__(self):
        return str(self.event)
