"""Django admin for registrations, organised for staff at a busy event.

Every field is read-only: a registration's status and seat change only through
the reservation service, which the actions call. Apps above registrations
extend this admin without being imported by it:

- `RegistrationAdmin.inlines` is a plain list class attribute; an app appends
  its inline in its own admin.py (`RegistrationAdmin.inlines = [*RegistrationAdmin.inlines, FileInline]`);
- `RegistrationAdmin.export_columns` likewise takes `ExportColumn`s for the CSV export.
"""

import base64
import csv
import dataclasses
import datetime
import uuid
from collections.abc import Callable, Iterator

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit import services as audit
from events import permissions
from events.admin import EventScopedAdmin, EventTimeZoneAdmin, list_time
from events.models import Event, Ticket
from events.templatetags.eventhub import rupiah

from . import hooks, qr, services, tasks
from .models import Order, Registration, Voucher, WaitlistEntry

Status = Registration.Status


@dataclasses.dataclass(frozen=True)
class ExportColumn:
    """One column of the CSV export: its header, its value for a registration, the relations it reads.

    Times are written in ISO 8601 in the registration's event time zone.
    """

    header: str
    value: Callable[[Registration], object]
    select_related: tuple[str, ...] = ()


EXPORT_COLUMNS = [
    ExportColumn("registration", lambda r: r.pk),
    ExportColumn("attendee", lambda r: r.user.full_name, ("user",)),
    ExportColumn("email", lambda r: r.user.email, ("user",)),
    ExportColumn("phone", lambda r: r.user.phone, ("user",)),
    ExportColumn("event", lambda r: r.event.title, ("event",)),
    ExportColumn("ticket", lambda r: r.ticket.name, ("ticket",)),
    ExportColumn("status", lambda r: r.status),
    ExportColumn("amount", lambda r: int(r.amount)),
    ExportColumn("paid_at", lambda r: r.paid_at),
    ExportColumn("order", lambda r: r.order.number, ("order",)),
    ExportColumn("attendee_name", lambda r: r.holder_name, ("user",)),
    ExportColumn("attendee_email", lambda r: r.holder_email, ("user",)),
    ExportColumn("voucher", lambda r: r.order.voucher.code if r.order.voucher_id else "", ("order__voucher",)),
]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


class TicketFilter(admin.SimpleListFilter):
    """Ticket types to filter by: those of the chosen event, else all, named with their event."""

    title = _("ticket type")
    parameter_name = "ticket"

    def lookups(self, request, model_admin):
        tickets = permissions.scope(Ticket.objects.select_related("event"), request.user, permissions.MANAGE)
        tickets = tickets.order_by("event__event_date", "price", "name")
        try:
            event_id = uuid.UUID(request.GET.get("event__id__exact", ""))
        except ValueError:
            # No event chosen (or a malformed one, which the event filter reports).
            return [(str(t.pk), f"{t.event.title} — {t.name}") for t in tickets]
        return [(str(t.pk), t.name) for t in tickets.filter(event_id=event_id)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            return queryset.filter(ticket_id=self.value())
        except ValidationError as exc:
            raise IncorrectLookupParameters(exc) from exc


@admin.register(Registration)
class RegistrationAdmin(EventScopedAdmin, EventTimeZoneAdmin):
    manager_permissions = ("view", "change")
    list_display = (
        "holder_email", "holder_name", "event", "ticket_name", "status", "amount_rupiah",
        "paid_at_local", "expires_at_local", "created_at_local",
    )
    list_filter = ("status", ("event", admin.RelatedOnlyFieldListFilter), TicketFilter, "cancel_reason", ("paid_at", admin.DateFieldListFilter))
    # The ticket's event too: each row's checkbox is labelled with str(registration), which names it.
    list_select_related = ("user", "event", "ticket__event")
    search_fields = (
        "user__email", "user__full_name", "attendee_email", "attendee_name", "=qr_code", "payment_ref", "=order__number",
    )
    search_help_text = _("Attendee or buyer email or name, a whole QR code, an order number or a payment reference.")
    date_hierarchy = "created_at"
    actions = ["cancel_and_release_seat", "resend_ticket_email", "export_csv"]
    fieldsets = (
        (None, {"fields": ("id", "order", "user", "attendee_name", "attendee_email", "event", "ticket", "status",
                           "amount_rupiah")}),
        (_("Ticket"), {"fields": ("qr_preview", "qr_code")}),
        (_("Payment"), {"fields": ("payment_ref", "paid_at", "expires_at")}),
        (_("Cancellation"), {"fields": ("cancelled_at", "cancel_reason")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = (
        "id", "order", "attendee_name", "attendee_email", "user", "event", "ticket", "status", "amount_rupiah", "qr_preview", "qr_code", "payment_ref", "paid_at",
        "expires_at", "cancelled_at", "cancel_reason", "created_at", "updated_at",
    )
    inlines = []
    export_columns = EXPORT_COLUMNS

    def has_add_permission(self, request):
        # A registration takes a seat: attendees register through the site or the API, which call the service.
        return False

    def has_delete_permission(self, request, obj=None):
        # Cancelling releases the seat and keeps the record; deleting would lose both.
        return False

    def event_timezone(self, request, obj):
        return obj.event.timezone if obj else None

    def get_fieldsets(self, request, obj=None):
        (title, options), *rest = super().get_fieldsets(request, obj)
        if obj is None:
            return [(title, options), *rest]
        zone = Event.TimeZone(obj.event.timezone).label
        note = _("Times on this page are in the event's time zone, %(zone)s.") % {"zone": zone}
        return [(title, {**options, "description": note}), *rest]

    @admin.display(description=_("email"), ordering="attendee_email")
    def holder_email(self, registration: Registration) -> str:
        return registration.holder_email

    @admin.display(description=_("name"), ordering="attendee_name")
    def holder_name(self, registration: Registration) -> str:
        return registration.holder_name

    @admin.display(description=_("ticket type"), ordering="ticket__name")
    def ticket_name(self, registration: Registration) -> str:
        return registration.ticket.name

    @admin.display(description=_("amount"), ordering="amount")
    def amount_rupiah(self, registration: Registration) -> str:
        return rupiah(registration.amount)

    @admin.display(description=_("paid at"), ordering="paid_at")
    def paid_at_local(self, registration: Registration) -> str:
        return list_time(registration.paid_at, registration.event)

    @admin.display(description=_("hold expires at"), ordering="expires_at")
    def expires_at_local(self, registration: Registration) -> str:
        return list_time(registration.expires_at, registration.event)

    @admin.display(description=_("created at"), ordering="created_at")
    def created_at_local(self, registration: Registration) -> str:
        return list_time(registration.created_at, registration.event)

    @admin.display(description=_("QR ticket"))
    def qr_preview(self, registration: Registration) -> str:
        png = base64.b64encode(qr.render_png(registration.qr_code, box_size=3)).decode("ascii")
        return format_html(
            '<img src="data:image/png;base64,{}" alt="{}" width="120" height="120">', png, _("QR code of this ticket")
        )

    @admin.action(description=_("Cancel and refund"), permissions=["change"])
    def cancel_and_release_seat(self, request, queryset):
        """Cancel the selected registrations as staff, after a confirmation page."""
        queryset = queryset.select_related("user", "event", "ticket__event")
        if not request.POST.get("post"):
            context = {
                **self.admin_site.each_context(request),
                "title": _("Cancel registrations"),
                "opts": self.opts,
                "registrations": queryset,
                "paid_count": queryset.filter(status=Status.PAID).count(),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/registrations/registration/cancel_confirmation.html", context)
        cancelled = already = 0
        refunded, by_hand, unrecorded = [], 0, 0
        for registration in queryset:
            if registration.status == Status.CANCELLED:
                already += 1
                continue
            was_paid = registration.status == Status.PAID
            try:
                services.cancel(registration=registration, reason=Registration.CancelReason.STAFF)
            except services.RegistrationError as exc:
                self.message_user(request, f"{registration.user.email}: {exc.message}", messages.ERROR)
                continue
            cancelled += 1
            self.log_change(request, registration, _("Cancelled by staff; seat released."))
            audit.record(request, "registration.cancel", registration,
                         {"status": ["paid" if was_paid else "pending", Status.CANCELLED]})
            if was_paid:
                registration.refresh_from_db()
                refund = hooks.refund_summary(registration)
                if refund is None:
                    unrecorded += 1
                elif refund["done"]:
                    refunded.append(refund["amount"])
                else:
                    by_hand += 1
        if cancelled:
            self.message_user(
                request,
                ngettext(
                    "Cancelled %(count)d registration and released its seat.",
                    "Cancelled %(count)d registrations and released their seats.",
                    cancelled,
                ) % {"count": cancelled},
                messages.SUCCESS,
            )
        if refunded:
            self.message_user(
                request,
                ngettext(
                    "%(count)d of them had been paid and was refunded through the gateway (%(amount)s); "
                    "the attendee was emailed.",
                    "%(count)d of them had been paid and were refunded through the gateway (%(amount)s in all); "
                    "the attendees were emailed.",
                    len(refunded),
                ) % {"count": len(refunded), "amount": rupiah(sum(refunded))},
                messages.SUCCESS,
            )
        if by_hand:
            self.message_user(
                request,
                ngettext(
                    "%(count)d of them had been paid with a method the gateway cannot refund: refund it by hand, "
                    "then record it (Payments › needs refund).",
                    "%(count)d of them had been paid with a method the gateway cannot refund: refund them by hand, "
                    "then record it (Payments › needs refund).",
                    by_hand,
                ) % {"count": by_hand},
                messages.WARNING,
            )
        if unrecorded:
            self.message_user(
                request,
                ngettext(
                    "%(count)d of them was marked paid without an online payment: there is nothing to refund "
                    "through a gateway.",
                    "%(count)d of them were marked paid without an online payment: there is nothing to refund "
                    "through a gateway.",
                    unrecorded,
                ) % {"count": unrecorded},
                messages.WARNING,
            )
        if already:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration was already cancelled: nothing changed.",
                    "%(count)d registrations were already cancelled: nothing changed.",
                    already,
                ) % {"count": already},
                messages.INFO,
            )
        return None

    @admin.action(description=_("Resend ticket email"), permissions=["change"])
    def resend_ticket_email(self, request, queryset):
        """Queue the ticket email again for the selected paid registrations."""
        paid_ids = [str(pk) for pk in queryset.filter(status=Status.PAID).values_list("pk", flat=True)]
        skipped = queryset.count() - len(paid_ids)
        for registration_id in paid_ids:
            transaction.on_commit(
                lambda registration_id=registration_id: tasks.send_registration_email.enqueue(registration_id, "ticket")
            )
        if paid_ids:
            self.message_user(
                request,
                ngettext(
                    "The ticket email was queued for %(count)d registration.",
                    "The ticket email was queued for %(count)d registrations.",
                    len(paid_ids),
                ) % {"count": len(paid_ids)},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration is not paid and has no ticket to send.",
                    "%(count)d registrations are not paid and have no ticket to send.",
                    skipped,
                ) % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Export CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        """Stream the selected registrations as CSV, one row each."""
        columns = self.export_columns
        related = sorted({"event", *(name for column in columns for name in column.select_related)})
        rows = queryset.select_related(*related).order_by("event__event_date", "ticket__price", "user__email")
        response = StreamingHttpResponse(self._csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="registrations-{stamp}.csv"'
        return response

    @staticmethod
    def _csv_lines(columns: list[ExportColumn], rows) -> Iterator[str]:
        writer = csv.writer(_Echo())
        # The byte-order mark makes spreadsheet programs read the file as UTF-8.
        yield "\ufeff" + writer.writerow([column.header for column in columns])
        for registration in rows.iterator(chunk_size=1000):
            values = (column.value(registration) for column in columns)
            yield writer.writerow([_csv_value(value, registration) for value in values])


def _csv_value(value, registration: Registration):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, registration.event.tzinfo).isoformat(timespec="seconds")
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        # Attendees write their own names: a spreadsheet must read them as text, never as a formula.
        return "'" + value
    return "" if value is None else value


class OrderRegistrationInline(admin.TabularInline):
    """An order's tickets, read-only: each one's own page cancels it alone."""

    model = Registration
    fields = ("ticket", "attendee_name", "attendee_email", "status", "amount", "cancel_reason")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Order)
class OrderAdmin(EventScopedAdmin, EventTimeZoneAdmin):
    manager_permissions = ("view", "change")
    list_display = ("number", "buyer_email", "event", "status", "total_rupiah", "voucher", "tickets", "created_at_local")
    list_filter = ("status", ("event", admin.RelatedOnlyFieldListFilter), ("voucher", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "event", "voucher")
    search_fields = ("=number", "user__email", "user__full_name", "registrations__attendee_email")
    search_help_text = _("An order number, or the buyer's or an attendee's email or name.")
    date_hierarchy = "created_at"
    actions = ["cancel_orders"]
    fields = (
        "id", "number", "user", "event", "status", "voucher", "subtotal", "discount", "total", "expires_at",
        "paid_at", "cancelled_at", "created_at", "updated_at",
    )
    readonly_fields = fields
    inlines = [OrderRegistrationInline]

    def has_add_permission(self, request):
        # An order takes seats: buyers order through the site or the API, which call the service.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def event_timezone(self, request, obj):
        return obj.event.timezone if obj else None

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ticket_count=Count("registrations"))

    @admin.display(description=_("buyer"), ordering="user__email")
    def buyer_email(self, order: Order) -> str:
        return order.user.email

    @admin.display(description=_("total"), ordering="total")
    def total_rupiah(self, order: Order) -> str:
        return rupiah(order.total)

    @admin.display(description=_("tickets"), ordering="ticket_count")
    def tickets(self, order: Order) -> int:
        return order.ticket_count

    @admin.display(description=_("created at"), ordering="created_at")
    def created_at_local(self, order: Order) -> str:
        return list_time(order.created_at, order.event)

    @admin.action(description=_("Cancel whole orders and release their seats"), permissions=["change"])
    def cancel_orders(self, request, queryset):
        """Cancel the selected orders as staff; paid ones are left to their payments' refunds."""
        cancelled = 0
        for order in queryset:
            if order.status not in Order.ACTIVE_STATUSES:
                continue
            try:
                services.cancel_order(order=order, reason=Registration.CancelReason.STAFF)
            except services.RegistrationError as exc:
                self.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
                continue
            cancelled += 1
            self.log_change(request, order, _("Cancelled by staff; seats released."))
        self.message_user(
            request,
            ngettext("Cancelled %(count)d order.", "Cancelled %(count)d orders.", cancelled) % {"count": cancelled},
            messages.SUCCESS if cancelled else messages.INFO,
        )


class VoucherForm(forms.ModelForm):
    """A voucher's fields; its ticket types are its own event's."""

    class Meta:
        model = Voucher
        fields = ("event", "code", "kind", "value", "tickets", "valid_from", "valid_until", "max_uses", "is_active")

    def clean(self):
        cleaned = super().clean()
        event, tickets = cleaned.get("event"), cleaned.get("tickets")
        if event and tickets and any(t.event_id != event.pk for t in tickets):
            self.add_error("tickets", _("Choose ticket types of this voucher's event."))
        if cleaned.get("kind") == Voucher.Kind.PERCENT and (cleaned.get("value") or 0) > 100:
            self.add_error("value", _("A percentage is at most 100."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("The code must stop being valid after it starts."))
        code = (cleaned.get("code") or "").strip()
        if event and code and Voucher.objects.filter(event=event, code__iexact=code).exclude(pk=self.instance.pk).exists():
            self.add_error("code", _("This event already has this code."))
        return cleaned


@admin.register(Voucher)
class VoucherAdmin(EventScopedAdmin, admin.ModelAdmin):
    manager_permissions = ("view", "add", "change", "delete")
    form = VoucherForm
    list_display = ("code", "event", "kind", "value", "used", "max_uses", "valid_from", "valid_until", "is_active")
    list_filter = ("is_active", "kind", ("event", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("event",)
    search_fields = ("code",)
    readonly_fields = ("used",)
    filter_horizontal = ("tickets",)

    def has_delete_permission(self, request, obj=None):
        # A voucher that orders used stays on record (it names their discount); switch it off instead.
        if obj is not None and obj.used:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "tickets":
            kwargs["queryset"] = permissions.scope(
                Ticket.objects.select_related("event"), request.user, permissions.MANAGE
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(EventScopedAdmin, EventTimeZoneAdmin):
    list_display = ("user", "event", "ticket", "quantity", "status", "offered_until", "created_at")
    list_filter = ("status", ("event", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "event", "ticket")
    search_fields = ("user__email", "user__full_name")
    fields = ("user", "event", "ticket", "quantity", "status", "offered_at", "offered_until", "order", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def event_timezone(self, request, obj):
        return obj.event.timezone if obj else None
