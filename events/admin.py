"""Django admin for events and their ticket types.

Times on an event's pages are shown and entered in the event's own time zone
(WIB, WITA or WIT), as staff on site read them. `Ticket.sold` is never
editable: only the reservation service moves it.
"""

import zoneinfo

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models import F, Sum
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.adminlog import AuditedAdmin

from . import covers, permissions, services
from .models import Event, EventMember, Ticket
from .templatetags.eventhub import rupiah


class _ManagerAccess:
    """What an event's manager may do on an admin page, besides what admins may (everything)."""

    manager_permissions: tuple[str, ...] = ("view",)  # of "view", "add", "change", "delete"

    def _manager_may(self, request, action: str) -> bool:
        return action in self.manager_permissions and permissions.holds(request.user, permissions.MANAGE)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._manager_may(request, "view")

    def has_view_permission(self, request, obj=None):
        return (
            super().has_view_permission(request, obj)
            or self._manager_may(request, "view")
            or self._manager_may(request, "change")
        )

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) or self._manager_may(request, "add")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._manager_may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or self._manager_may(request, "delete")


class ReadOnlyAdminMixin:
    """Let staff look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventScopedAdmin(_ManagerAccess):
    """An admin page that an event's managers see too, showing only their events' objects.

    `event_path` is the lookup from the model to its Event. Another event's
    object is 404 for a manager (Django's admin would redirect with a message),
    and choices of events in forms are the manager's own.
    """

    event_path = "event"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return permissions.scope(queryset, request.user, permissions.MANAGE, path=self.event_path)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not permissions.is_admin(request.user):
            raise Http404
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Event:
            kwargs["queryset"] = permissions.events_for(request.user, permissions.MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """Let staff look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ManagerInline(_ManagerAccess):
    """An inline that an event's managers see on their own events' pages (the parent page is scoped)."""


def list_time(value, event: Event) -> str:
    """Format a moment compactly for a list column, in the event's time zone: `26 Jan 2027 08:00 WIT`."""
    if not value:
        return ""
    local = timezone.localtime(value, event.tzinfo)
    return f"{formats.date_format(local, 'j M Y H:i')} {local.tzname()}"


class EventTimeZoneAdmin(admin.ModelAdmin):
    """Show and read the times of one object's change page in its event's time zone."""

    def event_timezone(self, request, obj) -> str | None:
        """Return the time zone name of the event `obj` belongs to (None for the default)."""
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        name = self.event_timezone(request, obj)
        if name not in Event.TimeZone.values:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(zoneinfo.ZoneInfo(name)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # A TemplateResponse renders later, after the override: render its form in the event's zone now.
            if isinstance(response, TemplateResponse):
                response.render()
            return response


class UpcomingFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(event_date__gt=now)
        if self.value() == "past":
            return queryset.filter(event_date__lte=now)
        return queryset


class TicketForm(forms.ModelForm):
    """A ticket type's editable fields, with the database's rules as form messages."""

    class Meta:
        model = Ticket
        fields = ("name", "description", "price", "quota", "max_per_user", "sales_start", "sales_end")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].validators.append(MinValueValidator(0))
        self.fields["price"].widget.attrs["min"] = 0
        if "max_per_user" in self.fields:
            self.fields["max_per_user"].required = False

    def clean_max_per_user(self):
        # Left empty: the type keeps its limit (1 for a new one).
        return self.cleaned_data.get("max_per_user") or self.instance.max_per_user

    def clean_quota(self):
        # The admin's request transaction holds the row check_quota locks until the save.
        return services.check_quota(self.instance, self.cleaned_data["quota"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("sales_start"), cleaned.get("sales_end")
        if start and end and end <= start:
            self.add_error("sales_end", _("Sales must end after they start."))
        return cleaned


@admin.display(description=_("seats left"), ordering="seats_remaining")
def seats_left(ticket: Ticket) -> int | str:
    return "" if ticket._state.adding else ticket.seats_left


class TicketInline(ManagerInline, admin.TabularInline):
    manager_permissions = ("view", "add", "change", "delete")
    model = Ticket
    form = TicketForm
    fields = ("name", "price", "quota", "sold", seats_left, "max_per_user", "sales_start", "sales_end", "description")
    readonly_fields = ("sold", seats_left)
    extra = 0
    show_change_link = True


class TeamInline(ManagerInline, admin.TabularInline):
    """The event's team: admins add and remove members here; managers see it (and add door staff in the PWA)."""

    model = EventMember
    fk_name = "event"
    fields = ("user", "role", "added_by", "created_at")
    readonly_fields = ("added_by", "created_at")
    autocomplete_fields = ("user",)
    extra = 0


class EventForm(forms.ModelForm):
    """An event's fields, and its cover image: uploaded, checked and resized, or taken away."""

    cover_upload = forms.FileField(
        label=_("new cover image"), required=False,
        widget=forms.FileInput(attrs={"accept": ",".join(covers.FORMATS)}),
        help_text=_("JPEG, PNG or WebP, at least 600 × 315 pixels. It is cropped to 1200 × 630 (the shape link "
                    "previews on WhatsApp use) and shown on the event list and page."),
    )
    remove_cover = forms.BooleanField(label=_("remove the cover image"), required=False)

    class Meta:
        model = Event
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "max_tickets_per_order" in self.fields:
            self.fields["max_tickets_per_order"].required = False

    def clean_max_tickets_per_order(self):
        # Left empty: the event keeps its cap (10 for a new one).
        return self.cleaned_data.get("max_tickets_per_order") or self.instance.max_tickets_per_order

    def clean_cover_upload(self):
        uploaded = self.cleaned_data.get("cover_upload")
        self.prepared_cover = None
        if uploaded:
            try:
                self.prepared_cover = covers.prepare(uploaded)
            except covers.CoverError as error:
                raise forms.ValidationError(error.message, code=error.code) from None
        return uploaded


@admin.register(Event)
class EventAdmin(AuditedAdmin, EventScopedAdmin, EventTimeZoneAdmin):
    form = EventForm
    event_path = "pk"
    manager_permissions = ("view", "change")
    list_display = ("title", "local_date", "location", "timezone", "is_active", "seats")
    list_filter = ("is_active", UpcomingFilter, "timezone")
    search_fields = ("title", "slug", "location")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "event_date"
    ordering = ("-event_date",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "organizer", "description")}),
        (_("When and where"), {"fields": ("event_date", "timezone", "location", "city", "map_url")}),
        (_("Cover image"), {"fields": ("cover_preview", "cover_upload", "remove_cover")}),
        (None, {"fields": ("is_active", "max_tickets_per_order")}),
        (_("Record"), {"fields": ("id", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("id", "created_at", "updated_at", "cover_preview")
    inlines = [TicketInline, TeamInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.prepared_cover is not None:
            covers.set_cover(event=obj, cover=form.prepared_cover)
        elif form.cleaned_data.get("remove_cover"):
            covers.remove_cover(event=obj)

    @admin.display(description=_("current cover"))
    def cover_preview(self, event: Event) -> str:
        if not event.cover:
            return _("No cover image yet.")
        return format_html(
            '<img src="{}" width="300" height="158" alt="{}" style="border-radius:4px">',
            covers.url(event, small=True), _("Cover image of this event"),
        )

    def get_queryset(self, request):
        seats = {"seats_sold": Sum("tickets__sold"), "seats_quota": Sum("tickets__quota")}
        return super().get_queryset(request).annotate(**seats)

    def event_timezone(self, request, obj):
        if request.method == "POST":
            return request.POST.get("timezone")
        return obj.timezone if obj else Event.TimeZone.WIB

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "event_date":
            field.help_text = _("In the event's own time zone, as are the ticket sales times below.")
        return field

    @admin.display(description=_("date"), ordering="event_date")
    def local_date(self, event: Event) -> str:
        return list_time(event.event_date, event)

    @admin.display(description=_("seats sold / quota"), ordering="seats_sold")
    def seats(self, event: Event) -> str:
        return f"{event.seats_sold or 0} / {event.seats_quota or 0}"


@admin.register(Ticket)
class TicketAdmin(AuditedAdmin, EventScopedAdmin, EventTimeZoneAdmin):
    manager_permissions = ("view", "add", "change", "delete")
    form = TicketForm
    list_display = (
        "name", "event", "price_rupiah", "quota", "sold", seats_left, "sales_start_local", "sales_end_local"
    )
    list_filter = ("event__is_active", ("event", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("event",)
    search_fields = ("name", "event__title")
    autocomplete_fields = ("event",)
    fields = (
        "event", "name", "description", "price", "quota", "sold", seats_left, "max_per_user", "sales_start", "sales_end",
    )
    readonly_fields = ("sold", seats_left)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(seats_remaining=F("quota") - F("sold"))

    def get_readonly_fields(self, request, obj=None):
        # A ticket type never moves to another event: its seats and registrations belong to this one.
        if obj is not None:
            return ("event", *self.readonly_fields)
        return self.readonly_fields

    def event_timezone(self, request, obj):
        if obj is not None:
            return obj.event.timezone
        try:
            event = Event.objects.filter(pk=request.POST.get("event")).first()
        except ValidationError:
            event = None
        return event.timezone if event else None

    @admin.display(description=_("price"), ordering="price")
    def price_rupiah(self, ticket: Ticket) -> str:
        return rupiah(ticket.price)

    @admin.display(description=_("sales start"), ordering="sales_start")
    def sales_start_local(self, ticket: Ticket) -> str:
        return list_time(ticket.sales_start, ticket.event)

    @admin.display(description=_("sales end"), ordering="sales_end")
    def sales_end_local(self, ticket: Ticket) -> str:
        return list_time(ticket.sales_end, ticket.event)
