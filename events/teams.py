"""Changes to an event's team: who may add whom (issue 11).

Admins add and remove managers and door staff; an event's managers add and
remove door staff of that event only (never a manager, and never promote
anyone). Every change is one service call that owns its transaction.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eventhub.base import DomainError

from . import permissions
from .models import Event, EventMember

Role = EventMember.Role


class TeamError(DomainError):
    pass


def _may_change(by, event: Event, *roles: str) -> bool:
    if permissions.is_admin(by):
        return True
    return permissions.holds(by, permissions.MANAGE, event.pk) and all(role == Role.DOOR for role in roles)


def _refused() -> TeamError:
    return TeamError(_("Only admins add, change or remove an event's managers."), code="permission_denied", status=403)


@transaction.atomic
def add_member(*, event: Event, user, role: str, by) -> tuple[EventMember, bool]:
    """Give `user` the team `role` on `event` (or change theirs); return the membership and whether it is new."""
    member = EventMember.objects.select_for_update().filter(event=event, user=user).first()
    if not _may_change(by, event, role, *([member.role] if member else [])):
        raise _refused()
    if member is None:
        return EventMember.objects.create(event=event, user=user, role=role, added_by=by), True
    if member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    return member, False


@transaction.atomic
def remove_member(*, member: EventMember, by) -> None:
    """Take `member` off their event's team."""
    if not _may_change(by, member.event, member.role):
        raise _refused()
    EventMember.objects.filter(pk=member.pk).delete()
