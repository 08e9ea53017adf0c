"""The rules of events and their ticket types, each in one place.

- On sale: `sales_state` says whether a ticket type can be bought now and, if
  not, why. The reservation service (`sales_closed_reason`), the event page,
  the API's ticket fields `on_sale` / `sales_closed_reason` and through them the
  PWA all ask it; nothing else decides.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
