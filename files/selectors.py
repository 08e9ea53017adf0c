"""Which files a user may see, and the list filters of the API."""

from django.db.models import Q, QuerySet

from events import permissions
from eventhub.queries import narrow
from eventhub.queries import search as search_in

from .models import File


def visible_files(*, user, staff: bool = True) -> QuerySet:
    """Return the files `user` may read: their own, every file for admins, their events' for managers.

    `staff=False`: their own only, whatever their team roles.
    """
    if not user.is_authenticated:
        return File.objects.none()
    ids = permissions.event_ids(user, permissions.MANAGE) if staff else set()
    if ids is None:
        return File.objects.all()
    if ids:
        return File.objects.filter(Q(user=user) | Q(registration__event_id__in=ids))
    return File.objects.filter(user=user)


def lists_as_staff(user, event_id) -> bool:
    """Return whether a list is a staff view: an admin's, or a manager's naming (`?event=`) an event they manage.

    Otherwise it is the user's own files, as on their dashboard: a manager's own uploads stay apart from
    their attendees'.
    """
    if permissions.is_admin(user):
        return True
    return event_id is not None and permissions.holds(user, permissions.MANAGE, event_id)


def sees_owners(user) -> bool:
    """Return whether `user` reviews others' files (admins, managers): lists then show and search the owner."""
    return permissions.holds(user, permissions.MANAGE)


def filter_files(
    files: QuerySet, *, event=None, registration=None, owner=None, search: str = "", search_owner: bool = False
) -> QuerySet:
    """Narrow `files` by event, registration, owner and a search term (file name, and owner email if `search_owner`)."""
    files = narrow(files, registration__event_id=event, registration_id=registration, user_id=owner)
    fields = ("filename", "user__email", "user__full_name") if search_owner else ("filename",)
    return search_in(files, search, *fields)
