"""Public pages of events: the landing page, the event list and an event's detail."""

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.core.paginator import Paginator
from django.db.models import F, Min, Q, QuerySet, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import covers, hooks, ical
from .models import Event
from .services import sales_state
from .templatetags.eventhub import event_time

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


class EventFilterForm(forms.Form):
    """The filters of the event list; a value that does not parse is reported and left out."""

    q = forms.CharField(required=False)
    when = forms.ChoiceField(required=False, choices=[("upcoming", _("Upcoming")), ("past", _("Past"))])
    city = forms.CharField(required=False, max_length=100)
    date_from = forms.DateField(required=False, label=_("From"))
    date_to = forms.DateField(required=False, label=_("Until"))

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())[:SEARCH_MAX_LENGTH]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    def value(self, name: str):
        """Return the cleaned value of a filter, or its empty value when it did not parse."""
        return self.cleaned_data.get(name) if name not in self.errors else None


def on_or_after(day: datetime.date) -> Q:
    """Match events starting on `day` or later, each day read in the event's own time zone."""
    return _by_local_day(day, "gte")


def before(day: datetime.date) -> Q:
    """Match events starting before `day`, each day read in the event's own time zone."""
    return _by_local_day(day, "lt")


def _by_local_day(day: datetime.date, lookup: str) -> Q:
    condition = Q(pk__in=[])
    for zone in Event.TimeZone:
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=zoneinfo.ZoneInfo(zone))
        condition |= Q(timezone=zone, **{f"event_date__{lookup}": midnight})
    return condition


def cities(events: QuerySet) -> list[str]:
    """Return the cities of `events`, each once however it is capitalised, in alphabetical order."""
    seen: dict[str, str] = {}
    # Sorted by code point, a capitalised spelling ("Jakarta") comes before "jakarta" and is the one shown.
    for city in sorted(events.exclude(city="").values_list("city", flat=True).distinct()):
        seen.setdefault(city.casefold(), city)
    return sorted(seen.values(), key=str.casefold)


def event_list(request):
    """All active events: search by title, location or description; by city and dates; upcoming or past."""
    hooks.release_expired_holds()
    now = timezone.now()
    form = EventFilterForm(request.GET)
    form.is_valid()
    query = form.value("q") or ""
    when = form.value("when") or "upcoming"
    events = Event.objects.filter(is_active=True)
    if when == "past":
        events = events.filter(event_date__lte=now).order_by("-event_date")
    else:
        events = events.filter(event_date__gt=now).order_by("event_date")
    choices = cities(events)
    city = form.value("city") or ""
    if city:
        events = events.filter(city__iexact=city)
    if form.value("date_from"):
        events = events.filter(on_or_after(form.value("date_from")))
    if form.value("date_to"):
        events = events.filter(before(form.value("date_to") + datetime.timedelta(days=1)))
    for term in query.split():
        events = events.filter(
            Q(title__icontains=term) | Q(location__icontains=term) | Q(city__icontains=term)
            | Q(description__icontains=term)
        )
    page = Paginator(_listed(events), PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {"city": city, **{name: request.GET.get(name, "")[:10] for name in ("date_from", "date_to")}}
    # The page links keep every filter: `q=…&city=…&when=…&` (the page number follows).
    kept = {"q": query, **{name: value for name, value in filters.items() if form.value(name)}, "when": when}
    page_query = urlencode({name: value for name, value in kept.items() if value}) + "&"
    return render(request, "events/list.html", {
        "page": page, "query": query, "when": when, "form": form, "cities": choices, "city": city,
        "filters": filters, "filtered": any(filters.values()), "page_query": page_query,
    })


def event_detail(request, slug):
    """One active event with its ticket types, prices, seats left and a register button per ticket."""
    event = get_object_or_404(Event, slug=slug, is_active=True)
    if request.GET.get("offer"):
        # A waiting-list offer's link: its seats are claimed at the order checkout.
        return redirect(f"{reverse('registrations:checkout', kwargs={'slug': event.slug})}?"
                        f"{urlencode({'offer': request.GET['offer'][:64]})}")
    hooks.release_expired_holds(event_id=event.pk)
    now = timezone.now()
    tickets = [(ticket, sales_state(ticket, now)) for ticket in event.tickets.all()]
    return render(request, "events/detail.html", {
        "event": event, "tickets": tickets, "share": share_card(event),
        "on_sale": any(state.on_sale for _ticket, state in tickets),
    })


def share_card(event: Event) -> dict:
    """Return what a link preview (Open Graph: WhatsApp, Facebook, Telegram) shows of an event page."""
    # Without a description, the preview says when and where.
    summary = " ".join(event.description.split()) or " · ".join(
        part for part in (event_time(event.event_date, event), event.location) if part
    )
    return {
        "url": settings.SITE_URL + event.get_absolute_url(),
        "title": event.title,
        "description": Truncator(summary).chars(200),
        "image": settings.SITE_URL + covers.url(event) if event.cover else "",
        "width": covers.LARGE[0],
        "height": covers.LARGE[1],
    }


@require_GET
def calendar_file(request, slug):
    """An active event as an iCalendar file: "add to calendar"."""
    event = get_object_or_404(Event, slug=slug, is_active=True)
    response = HttpResponse(ical.render(event), content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ical.filename(event)}"'
    return response


@require_GET
def cover(request, slug, name):
    """Stream an active event's cover image (`<token>.jpg`, or `<token>-small.jpg` for the cards)."""
    event = get_object_or_404(Event.objects.only("slug", "cover", "is_active"), slug=slug)
    if not event.is_active and not request.user.is_staff:
        raise Http404
    small = name.endswith("-small")
    if not event.cover or covers.token(event.cover) != name.removesuffix("-small"):
        raise Http404
    key = covers.small_key(event.cover) if small else event.cover
    try:
        content = storages["default"].open(key, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(content, content_type="image/jpeg")
    # The URL changes with every new cover: what it names never changes.
    response["Cache-Control"] = ("public" if event.is_active else "private") + ", max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
@never_cache
def event_queue(request, slug):
    """The waiting room in front of an event's sale: the page joins and follows the queue through the API.

    One place per account, so the visitor logs in first. The page itself asks nothing of the queue:
    its script joins (`POST …/join/`), polls the state and moves on to the event page when admitted,
    the pass arriving as a cookie set by the API's answer. It sends the visitor token rendered here
    (waitingroom/visitors.py) rather than lean on the session, so its polls cost PostgreSQL nothing;
    the page is never cached, as it carries that credential.
    """
    event = get_object_or_404(Event, slug=slug, is_active=True)
    api = f"/api/v1/waiting-room/{event.slug}/"
    return render(request, "events/queue.html", {
        "event": event, "status_url": api, "join_url": api + "join/", "visitor": hooks.queue_visitor(request, event),
    })
