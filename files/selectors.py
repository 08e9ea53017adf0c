"""Which files a user may see, and the list filters of the API."""

from django.db.models import Q, QuerySet

from events import permissions

from .models import File


def visible_files(*, user) -> QuerySet:
    """Return the files `user` may read: their own, every file for admins, their events' for managers."""
    if not user.is_authenticated:
        return File.objects.none()
    ids = permissions.event_ids(user, permissions.MANAGE)
    if ids is None:
        return File.objects.all()
    if ids:
        return File.objects.filter(Q(user=user) | Q(registration__event_id__in=ids))
    return File.objects.filter(user=user)


def sees_owners(user) -> bool:
    """Return whether `user` reviews others' files (admins, managers): lists then show and search the owner."""
    return permissions.holds(user, permissions.MANAGE)


def filter_files(
    files: QuerySet, *, event=None, registration=None, owner=None, search: str = "", search_owner: bool = False
) -> QuerySet:
    """Narrow `files` by event, registration, owner and a search term (file name, and owner email if `search_owner`)."""
    if event is not None:
        files = files.filter(registration__event_id=event)
    if registration is not None:
        files = files.filter(registration_id=registration)
    if owner is not None:
        files = files.filter(user_id=owner)
    search = search.strip()
    if search:
        condition = Q(filename__icontains=search)
        if search_owner:
            condition |= Q(user__email__icontains=search) | Q(user__full_name__icontains=search)
        files = files.filter(condition)
    return files
