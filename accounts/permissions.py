"""API permissions shared by every app's api.py."""

from rest_framework.permissions import BasePermission

from . import twofactor


class IsAdmin(BasePermission):
    """Allow users whose role is `admin` (DESIGN §4: an API admin is a user with role admin)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        twofactor.refuse_pending(request)
        return bool(user and user.is_authenticated and user.is_staff)


def is_admin(request) -> bool:
    """Return whether the request comes from an active admin."""
    user = request.user
    return bool(user and user.is_authenticated and user.is_staff)
