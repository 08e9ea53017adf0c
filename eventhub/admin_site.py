"""The Django admin site: admins see everything, an event's managers their events' pages (events.admin)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        """Let in active admins, and managers of at least one event (each page then scopes what they see)."""
        from events import permissions

        user = request.user
        return user.is_active and (user.is_staff or permissions.holds(user, permissions.MANAGE))

    def login(self, request, extra_context=None):
        """Send a staff account that still owes its second factor to the two-factor page, then back here."""
        if request.user.is_authenticated and getattr(request.user, "otp_pending", False):
            from django.shortcuts import redirect
            from django.urls import reverse
            from django.utils.http import urlencode

            target = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': target})}")
        return super().login(request, extra_context)


class AdminConfig(DjangoAdminConfig):
    default_site = "eventhub.admin_site.AdminSite"
