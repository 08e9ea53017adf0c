"""The audit log in the Django admin: read-only for everyone; managers see their events' entries."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from events.admin import EventScopedAdmin, ReadOnlyAdminMixin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, EventScopedAdmin, admin.ModelAdmin):
    list_display = ("at", "actor_label", "ip_address", "action", "object_repr", "event")
    list_filter = ("action", ("event", admin.RelatedOnlyFieldListFilter), ("at", admin.DateFieldListFilter))
    list_select_related = ("event",)
    search_fields = ("actor_label", "object_repr", "object_id", "=ip_address")
    search_help_text = _("Who, the object or its id, or an exact address.")
    date_hierarchy = "at"
    fields = ("at", "actor", "actor_label", "ip_address", "action", "object_type", "object_id", "object_repr",
              "event", "what_changed")
    readonly_fields = fields

    @admin.display(description=_("what changed"))
    def what_changed(self, entry: AuditEntry) -> str:
        return format_html("<pre>{}</pre>", json.dumps(entry.changes, indent=2, ensure_ascii=False))
