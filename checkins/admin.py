"""Django admin for check-ins: a read-only record of who was admitted, when, where and by whom.

Admissions happen only through the scan service; the admin shows them, on their
own and on each registration's page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit import services as audit
from events import permissions
from events.admin import EventScopedAdmin, EventTimeZoneAdmin, ManagerInline, ReadOnlyAdminMixin, list_time
from events.models import Event
from registrations import qr
from registrations.admin import ExportColumn, RegistrationAdmin

from . import devices
from .models import Checkin, OfflineScan, ScannerDevice


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


class OfflineScanInline(ReadOnlyAdminMixin, ManagerInline, admin.TabularInline):
    """The scans a device uploaded: those of a revoked device answer `device_revoked`, nobody admitted."""

    model = OfflineScan
    fk_name = "scanner"
    fields = ("scanned_at", "registration", "result", "received_at")
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("uploaded offline scans")


class PairingForm(forms.Form):
    event = forms.ModelChoiceField(queryset=Event.objects.none(), label=_("event"))
    name = forms.CharField(max_length=100, label=_("scanner name"), help_text=_('For example "North gate 2".'))


@admin.register(ScannerDevice)
class ScannerDeviceAdmin(ReadOnlyAdminMixin, EventScopedAdmin, admin.ModelAdmin):
    """Paired scanners: "Add" issues a pairing code (shown once, with its QR code); revoking is an action."""

    manager_permissions = ("view", "add")
    list_display = ("name", "event", "paired_at", "last_sync_at", "scans", "revoked_at")
    list_filter = (("event", admin.RelatedOnlyFieldListFilter), ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("event",)
    search_fields = ("name",)
    fields = ("event", "name", "paired_by", "paired_at", "last_seen_at", "last_sync_at", "scans", "revoked_at",
              "revoked_by")
    readonly_fields = fields
    inlines = [OfflineScanInline]
    actions = ["revoke"]

    def has_add_permission(self, request, obj=None):
        return request.user.is_staff or permissions.holds(request.user, permissions.MANAGE)

    @admin.action(description=_("Revoke the selected scanners"), permissions=["view"])
    def revoke(self, request, queryset):
        count = 0
        for device in queryset.filter(revoked_at__isnull=True):
            device = devices.revoke(device=device, by=request.user)
            audit.record(request, "device.revoke", device, {"revoked_at": device.revoked_at})
            count += 1
        self.message_user(request, ngettext("%d scanner revoked.", "%d scanners revoked.", count) % count,
                          messages.SUCCESS)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PairingForm(request.POST or None)
        form.fields["event"].queryset = permissions.events_for(request.user, permissions.MANAGE)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "title": _("Add a scanner"), "minutes": devices.PAIRING_MINUTES}
        if request.method == "POST" and form.is_valid():
            pairing, code = devices.start_pairing(
                event=form.cleaned_data["event"], name=form.cleaned_data["name"], by=request.user
            )
            audit.record(request, "device.pairing_code", pairing, {"name": pairing.name, "expires_at": pairing.expires_at})
            url = devices.pair_url(code)
            context.update(pairing=pairing, code=code, pair_url=url, qr_svg=mark_safe(qr.render_svg(url)))
        return TemplateResponse(request, "admin/checkins/scannerdevice/pairing.html", context)
