"""Template filters for money and event times."""

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Format whole rupiah the Indonesian way: `Rp 150.000`, and nothing to pay as "Free"."""
    amount = rupiah_amount(value)
    return _("Free") if amount == "Rp 0" else amount


@register.filter
def rupiah_amount(value) -> str:
    """Format a sum of money in whole rupiah, zero included: `Rp 0`, `Rp 150.000`, `-Rp 5.000`."""
    try:
        amount = int(Decimal(value))
    except (TypeError, ValueError, InvalidOperation):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


@register.filter
def event_time(value: datetime.datetime | None, event) -> str:
    """Format a moment in the event's own time zone, with its abbreviation (WIB, WITA, WIT)."""
    if not value:
        return ""
    # DATETIME_FORMAT ends with the zone's abbreviation (eventhub/formats/).
    return formats.date_format(timezone.localtime(value, event.tzinfo), "DATETIME_FORMAT")


@register.filter
def event_clock(value: datetime.datetime | None, event) -> str:
    """Format the time of day of a moment in the event's own time zone, with its abbreviation: `20.52 WITA`."""
    if not value:
        return ""
    local = timezone.localtime(value, event.tzinfo)
    return f"{formats.time_format(local, 'TIME_FORMAT')} {local.tzname()}"


@register.simple_tag
def event_cover(event, small: bool = False) -> str:
    """Return the URL of an event's cover image (the card size with `small=True`)."""
    from events import covers

    return covers.url(event, small=small)
