"""The rules of events and their ticket types, each in one place.

- On sale: `sales_state` says whether a ticket type can be bought now and, if
  not, why. The reservation service (`sales_closed_reason`), the event page,
  the API's ticket fields `on_sale` / `sales_closed_reason` and through them the
  PWA all ask it; nothing else decides.
- Quota never below sold: `check_quota` (forms: the admin) and `change_ticket` /
  `change_quota` (the API, commands), with one message.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import soldout
from .models import Ticket


@dataclass(frozen=True)
class SalesState:
    """Whether a ticket type can be bought now; if not, why (`code`, and `reason` for people to read).

    `code` is one of `on_sale`, `inactive`, `event_over`, `not_started`,
    `ended`, `sold_out`; `since` is when sales start (`not_started`), end
    (`ended`) or will end (`on_sale`, None without an end).
    """

    code: str
    reason: str | None = None
    since: datetime.datetime | None = None

    @property
    def on_sale(self) -> bool:
        return self.code == "on_sale"


# The states in which the calendar closes sales, whatever the seats.
CLOSED = ("inactive", "event_over", "not_started", "ended")


def sales_state(ticket: Ticket, now: datetime.datetime | None = None) -> SalesState:
    """Return whether `ticket` is on sale at `now` and, if not, why.

    The event is read as `ticket.event`: load tickets through their event
    (`event.tickets.all()`) or with `select_related("event")`.
    """
    now = now or timezone.now()
    event = ticket.event
    if not event.is_active:
        return SalesState("inactive", _("This event is not open for registration."))
    if event.event_date <= now:
        return SalesState("event_over", _("This event has already taken place."))
    if ticket.sales_start and now < ticket.sales_start:
        return SalesState("not_started", _("Sales for this ticket have not started yet."), ticket.sales_start)
    if ticket.sales_end and now >= ticket.sales_end:
        return SalesState("ended", _("Sales for this ticket have ended."), ticket.sales_end)
    if ticket.sold >= ticket.quota:
        return SalesState("sold_out", _("This ticket is sold out."))
    return SalesState("on_sale", None, ticket.sales_end)


def sales_closed_reason(ticket: Ticket, now: datetime.datetime | None = None) -> str | None:
    """Return why the calendar closes sales of `ticket` at `now` (inactive, over, outside its window), or None.

    Seats are not looked at: whether one is left is settled when it is taken.
    """
    state = sales_state(ticket, now)
    return state.reason if state.code in CLOSED else None


def is_on_sale(ticket: Ticket, now: datetime.datetime | None = None) -> bool:
    """Return whether a buyer can take a seat of `ticket` at `now`."""
    return sales_state(ticket, now).on_sale


# --- Quotas ------------------------------------------------------------------
#
# `sold` moves only by the reservation service's conditional UPDATEs. A quota
# may never go below it: an API change is one conditional UPDATE (`WHERE sold
# <= quota`); a form (the admin) checks the row it has locked for its
# transaction. Both refuse with the same message.

QUOTA_BELOW_SOLD = _("The quota cannot be lower than the %(sold)d seats already sold.")


def quota_below_sold(sold: int) -> ValidationError:
    """The refusal of a quota under `sold` seats (code `below_sold`)."""
    return ValidationError(QUOTA_BELOW_SOLD, code="below_sold", params={"sold": sold})


def check_quota(ticket: Ticket, quota: int) -> int:
    """Return `quota` if a saved ticket type may take it, else raise `quota_below_sold`.

    Lowering it locks the row (call inside the transaction that saves it), so no
    seat can be sold between this check and the save.
    """
    if ticket._state.adding or quota >= ticket.quota:
        return quota
    sold = Ticket.objects.select_for_update().values_list("sold", flat=True).get(pk=ticket.pk)
    if quota < sold:
        raise quota_below_sold(sold)
    return quota


def change_ticket(ticket: Ticket, changes: dict) -> Ticket:
    """Write `changes` to a saved ticket type in one conditional UPDATE and return it as saved.

    Raises ValidationError `{"quota": …}` (`quota_below_sold`) and changes
    nothing when the quota would be below the seats sold by then. Never a plain
    save(): it would write back a stale `sold`.
    """
    if changes:
        quota = changes.get("quota", ticket.quota)
        if not Ticket.objects.filter(pk=ticket.pk, sold__lte=quota).update(**changes, updated_at=timezone.now()):
            ticket.refresh_from_db(fields=["sold"])
            raise ValidationError({"quota": [quota_below_sold(ticket.sold)]})
        soldout.forget_on_commit(ticket.pk)
    ticket.refresh_from_db()
    return ticket


def change_quota(ticket: Ticket, quota: int) -> Ticket:
    """Set a ticket type's quota, never below the seats sold (see `change_ticket`)."""
    return change_ticket(ticket, {"quota": quota})
