"""An event as an iCalendar file (RFC 5545), for "add to calendar" on the site and in the ticket email."""

import urllib.parse

import icalendar
from django.conf import settings
from django.utils.translation import gettext as _

from .models import Event

CONTENT_TYPE = "text/calendar; charset=utf-8"


def filename(event: Event) -> str:
    """Return the attachment name of the event's calendar file."""
    return f"{event.slug}.ics"


def render(event: Event) -> bytes:
    """Return the event as a one-event iCalendar file.

    Times are in UTC (the `Z` form), which every calendar converts to its own
    zone and which needs no VTIMEZONE. The event has no end time, so the entry
    has none either. The UID stays the same across downloads: importing the
    file again updates the entry instead of adding a second one.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//EventHub//Tickets//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    entry = icalendar.Event()
    host = urllib.parse.urlsplit(settings.SITE_URL).hostname or "eventhub"
    entry.add("uid", f"event-{event.pk}@{host}")
    entry.add("dtstamp", event.updated_at or event.created_at)
    entry.add("dtstart", event.event_date)
    entry.add("summary", event.title)
    url = settings.SITE_URL + event.get_absolute_url()
    lines = [" ".join(event.description.split())] if event.description.strip() else []
    if event.organizer:
        lines.append(_("Organiser: %(name)s") % {"name": event.organizer})
    lines.append(url)
    entry.add("description", "\n\n".join(lines))
    if event.place:
        entry.add("location", event.place)
    entry.add("url", url)
    calendar.add_component(entry)
    return calendar.to_ical()
