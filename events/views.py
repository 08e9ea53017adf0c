"""Public pages of events: the landing page, the event list and an event's detail."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import F, Min, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import hooks
from .models import Event, Ticket

PAGE_SIZE = 12
SEARCH_MAX_LENGTH = 100


def _listed(events: QuerySet) -> QuerySet:
    """Annotate events with what a card shows: free tickets, the lowest paid price, the seats left."""
    return events.annotate(
        min_price=Min("tickets__price"),
        min_paid_price=Min("tickets__price", filter=Q(tickets__price__gt=0)),
        seats_left=Sum(F("tickets__quota") - F("tickets__sold")),
    )


def home(request):
    """The landing page: the next upcoming events."""
    hooks.release_expired_holds()
    upcoming = Event.objects.filter(is_active=True, event_date__gt=timezone.now()).order_by("event_date")
    return render(request, "events/home.html", {"events": _listed(upcoming)[:6]})


def event_list(request):
    """All active events: search by title, location or description; upcoming or past; paginated."""
    hooks.release_expired_holds()
    now = timezone.now()
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
    when = request.GET.get("when")
    if when not in ("upcoming", "past"):
        when = "upcoming"
    events = Event.objects.filter(is_active=True)
    if when == "past":
        events = events.filter(event_date__lte=now).order_by("-event_date")
    else:
        events = events.filter(event_date__gt=now).order_by("event_date")
    for term in query.split():
        events = events.filter(
            Q(title__icontains=term) | Q(location__icontains=term) | Q(description__icontains=term)
        )
    page = Paginator(_listed(events), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/list.html", {"page": page, "query": query, "when": when})


@dataclass(frozen=True)
class SalesState:
    """Whether a ticket type can be bought now, and if not, why (for the page to say)."""

    code: str  # on_sale, sold_out, not_started, ended, event_over
    since: datetime.datetime | None = None

    @property
    def on_sale(self) -> bool:
        return self.code == "on_sale"


def sales_state(ticket: Ticket, event: Event, now: datetime.datetime) -> SalesState:
    """Return the sales state of a ticket type at `now`."""
    if event.event_date <= now:
        return SalesState("event_over")
    if ticket.sales_start and now < ticket.sales_start:
        return SalesState("not_started", ticket.sales_start)
    if ticket.sales_end and now >= ticket.sales_end:
        return SalesState("ended", ticket.sales_end)
    if ticket.seats_left <= 0:
        return SalesState("sold_out")
    return SalesState("on_sale", ticket.sales_end)


def event_detail(request, slug):
    """One active event with its ticket types, prices, seats left and a register button per ticket."""
    event = get_object_or_404(Event, slug=slug, is_active=True)
    hooks.release_expired_holds(event_id=event.pk)
    now = timezone.now()
    tickets = [(ticket, sales_state(ticket, event, now)) for ticket in event.tickets.all()]
    return render(request, "events/detail.html", {"event": event, "tickets": tickets})
