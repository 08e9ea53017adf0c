"""The Django admin site: admins see everything, an event's managers their events' pages (events.admin)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        """Let in active admins, and managers of at least one event (each page then scopes what they see)."""
        from events import permissions

        user = request.user
        return user.is_active and (user.is_staff or permissions.holds(user, permissions.MANAGE))


class AdminConfig(DjangoAdminConfig):
    default_site = "eventhub.admin_site.AdminSite"
