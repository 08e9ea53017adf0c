"""Django admin for waiting rooms: the settings staff change, and the queue's live figures beside them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.adminlog import AuditedAdmin
from events.admin import EventScopedAdmin

from . import services
from .models import WaitingRoom
from .store import STORE_ERRORS


@admin.register(WaitingRoom)
class WaitingRoomAdmin(AuditedAdmin, EventScopedAdmin, admin.ModelAdmin):
    manager_permissions = ("view", "add", "change")
    list_display = ("event", "enabled", "opens_at", "rate_per_minute", "paused", "waiting", "admitted", "buying", "sold")
    list_filter = ("enabled", "paused")
    list_select_related = ("event",)
    search_fields = ("event__title", "event__slug")
    fields = ("event", "enabled", "opens_at", "rate_per_minute", "paused", "waiting", "admitted", "buying", "sold")
    readonly_fields = ("waiting", "admitted", "buying", "sold")

    def _kind(self, model) -> str:
        return "waiting_room"  # the audit log's name for a room, as the API's changes write it

    def get_readonly_fields(self, request, obj=None):
        # The event of an existing room stays put: its queue is keyed by it.
        return (*self.readonly_fields, "event") if obj is not None else self.readonly_fields

    def _stat(self, room: WaitingRoom | None, name: str):
        if room is None or room.pk is None:
            return "—"
        cache = getattr(room, "_stats", None)
        if cache is None:
            try:
                cache = services.stats(event=room.event)
            except STORE_ERRORS:
                cache = {}
            room._stats = cache
        return cache.get(name, "—")

    @admin.display(description=_("waiting"))
    def waiting(self, room):
        return self._stat(room, "waiting")

    @admin.display(description=_("admitted"))
    def admitted(self, room):
        return self._stat(room, "admitted")

    @admin.display(description=_("buying"))
    def buying(self, room):
        return self._stat(room, "buying")

    @admin.display(description=_("sold"))
    def sold(self, room):
        return self._stat(room, "sold")
