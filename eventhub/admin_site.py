"""The Django admin site: admins see everything, an event's managers their events' pages (events.admin)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_noop

# Strings of Django's forms and admin that its Indonesian catalog lacks: listed here so that makemessages carries
# them into ours (locale/id), which Django reads before its own. The admin's JavaScript strings (the time-zone
# note beside each time field) are in locale/id/LC_MESSAGES/djangojs.po, read by the admin's jsi18n view.
DJANGO_STRINGS_MISSING_IN_INDONESIAN = (
    gettext_noop("- Select an option -"),
    gettext_noop("Filter by %(field_name)s"),
)


# The platform's plumbing (the task queue's results, the API's refresh-token blacklist): kept out of the menus
# organisers read; an admin can still open their pages by address.
INTERNAL_APPS = frozenset({"django_tasks_database", "token_blacklist"})


class AdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        """Return the menu's apps, without the platform's internals unless one of them is the page asked for."""
        return [app for app in super().get_app_list(request, app_label)
                if app_label or app["app_label"] not in INTERNAL_APPS]

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
