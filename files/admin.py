"""Staff review of attendee files: who, for which registration, what, how big; preview, zip download, delete.

Deleting goes through the services, which remove the stored objects once the
deletion commits. The storage key is shown here and nowhere else.
"""

import uuid

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit import services as audit
from events.models import Event
from events import permissions
from events.admin import EventScopedAdmin, ManagerInline
from registrations.admin import RegistrationAdmin

from . import archives, downloads, services
from .models import File


class EventFilter(admin.SimpleListFilter):
    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        events = permissions.events_for(request.user, permissions.MANAGE)
        events = events.filter(registrations__files__isnull=False).distinct().order_by("-event_date")
        return [(str(event.pk), event.title) for event in events]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(registration__event_id=self.value())
        return queryset


class TypeFilter(admin.SimpleListFilter):
    title = _("type")
    parameter_name = "filetype"

    def lookups(self, request, model_admin):
        files = model_admin.get_queryset(request).order_by("filetype")
        return [(mime, mime) for mime in files.values_list("filetype", flat=True).distinct()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(filetype=self.value())
        return queryset


@admin.display(description=_("size"), ordering="filesize")
def human_size(file: File) -> str:
    return filesizeformat(file.filesize)


@admin.display(description=_("preview"))
def preview(file: File) -> str:
    url = reverse("files:download", args=[file.pk])
    if file.filetype.startswith("image/"):
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" style="max-height:120px;max-width:240px"></a>', url, url, file.filename
        )
    return format_html('<a href="{}">{}</a>', url, _("Download"))


@admin.register(File)
class FileAdmin(EventScopedAdmin, admin.ModelAdmin):
    event_path = "registration__event"
    manager_permissions = ("view", "delete")
    list_display = ["filename", "owner", "registration_link", "event", "filetype", human_size, "created_at", preview]
    list_filter = [EventFilter, TypeFilter, "created_at"]
    search_fields = ["user__email", "filename"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "registration__event", "registration__ticket"]
    readonly_fields = [
        "filename",
        "owner",
        "registration_link",
        "event",
        "filetype",
        human_size,
        "filesize",
        "filepath",
        "created_at",
        preview,
    ]
    fields = readonly_fields
    actions = ["download_zip"]

    def has_add_permission(self, request):
        return False  # files come only through uploads, which validate them

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("owner"), ordering="user__email")
    def owner(self, file: File) -> str:
        return format_html('<a href="mailto:{}">{}</a>', file.user.email, file.user.email)

    @admin.display(description=_("registration"), ordering="registration__created_at")
    def registration_link(self, file: File) -> str:
        if file.registration is None:
            return "—"
        label = f"{file.registration.ticket.name} · {file.registration.get_status_display()}"
        try:
            url = reverse("admin:registrations_registration_change", args=[file.registration_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("event"), ordering="registration__event__title")
    def event(self, file: File) -> str:
        return file.registration.event.title if file.registration else "—"

    def get_urls(self):
        event_zip = self.admin_site.admin_view(self.event_zip_view)
        return [path("event/<uuid:event_id>/zip/", event_zip, name="files_file_event_zip"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        # Filtered to one event: offer all its files in one zip.
        event_id = request.GET.get(EventFilter.parameter_name, "")
        if _is_uuid(event_id) and Event.objects.filter(pk=event_id).exists():
            zip_url = reverse("admin:files_file_event_zip", args=[event_id])
            extra_context = {**(extra_context or {}), "event_zip_url": zip_url}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Download selected files as a zip"))
    def download_zip(self, request, queryset):
        return _zip_response(queryset, name=f"eventhub-files-{timezone.localtime():%Y%m%d-%H%M}.zip")

    def event_zip_view(self, request, event_id):
        """Stream every file attached to a registration of one event."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = get_object_or_404(permissions.events_for(request.user, permissions.MANAGE), pk=event_id)
        files = File.objects.filter(registration__event=event)
        return _zip_response(files, name=f"{event.slug}-files-{timezone.localtime():%Y%m%d-%H%M}.zip")

    def delete_model(self, request, obj):
        audit.record(request, "file.delete", obj, {"filename": obj.filename})
        services.delete_file(file=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(request, "file.delete", obj, {"filename": obj.filename})
        services.delete_files(files=queryset)


def _zip_response(files, *, name: str) -> StreamingHttpResponse:
    files = files.select_related("user").order_by("user__email", "created_at")
    response = StreamingHttpResponse(archives.stream_zip(files.iterator()), content_type="application/zip")
    response["Content-Disposition"] = downloads.content_disposition(name)
    response["Cache-Control"] = "private, no-store"
    return response


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class FileInline(ManagerInline, admin.TabularInline):
    """The files an attendee attached to a registration, shown on the registration's admin page."""

    model = File
    fk_name = "registration"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["filename", "filetype", human_size, "created_at", preview]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The registration page lists its files too.
RegistrationAdmin.inlines = [*RegistrationAdmin.inlines, FileInline]
