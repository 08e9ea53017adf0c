"""Django admin for check-ins: a read-only record of who was admitted, when, where and by whom.

Admissions happen only through the scan service; the admin shows them, on their
own and on each registration's page.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events.admin import EventScopedAdmin, EventTimeZoneAdmin, ManagerInline, list_time
from registrations.admin import ExportColumn, RegistrationAdmin

from .models import Checkin


class ReadOnlyAdminMixin:
    """Let staff look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CheckinInline(ReadOnlyAdminMixin, ManagerInline, admin.TabularInline):
    model = Checkin
    fields = ("checked_in_at", "device", "admin", "scan_id", "created_at")
    readonly_fields = fields
    extra = 0


def _checked_in_at(registration):
    checkin = getattr(registration, "checkin", None)
    return checkin.checked_in_at if checkin else None


RegistrationAdmin.inlines = [*RegistrationAdmin.inlines, CheckinInline]
RegistrationAdmin.export_columns = [
    *RegistrationAdmin.export_columns, ExportColumn("checked_in_at", _checked_in_at, ("checkin",))
]


@admin.register(Checkin)
class CheckinAdmin(ReadOnlyAdminMixin, EventScopedAdmin, EventTimeZoneAdmin):
    event_path = "registration__event"
    list_display = ("attendee", "event", "ticket", "checked_in_at_local", "device", "admin")
    list_filter = (("registration__event", admin.RelatedOnlyFieldListFilter), "device", ("checked_in_at", admin.DateFieldListFilter))
    list_select_related = ("registration__user", "registration__event", "registration__ticket", "admin")
    search_fields = ("registration__user__email", "registration__user__full_name", "=registration__qr_code")
    search_help_text = _("Attendee email or name, or a whole QR code.")
    date_hierarchy = "checked_in_at"
    fields = ("registration", "checked_in_at", "device", "admin", "scan_id", "created_at")

    def event_timezone(self, request, obj):
        return obj.registration.event.timezone if obj else None

    @admin.display(description=_("attendee"), ordering="registration__user__email")
    def attendee(self, checkin: Checkin) -> str:
        user = checkin.registration.user
        return f"{user.full_name} <{user.email}>"

    @admin.display(description=_("event"), ordering="registration__event__event_date")
    def event(self, checkin: Checkin) -> str:
        return checkin.registration.event.title

    @admin.display(description=_("ticket type"), ordering="registration__ticket__name")
    def ticket(self, checkin: Checkin) -> str:
        return checkin.registration.ticket.name

    @admin.display(description=_("checked in at"), ordering="checked_in_at")
    def checked_in_at_local(self, checkin: Checkin) -> str:
        return list_time(checkin.checked_in_at, checkin.registration.event)
