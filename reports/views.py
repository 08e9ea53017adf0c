"""What the API and the admin both answer: an event's report figures, its charts and its exports."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from checkins.selectors import event_stats
from events.models import Event

from . import charts, exports, selectors

CHARTS = ("sales", "checkins")


def report(event: Event) -> dict:
    """Return an event's figures: revenue, per ticket type, sales over time, admissions per gate."""
    return {
        "event": event.pk,
        "revenue": selectors.revenue(event=event),
        "tickets": event_stats(event=event)["tickets"],
        "sales": selectors.sales_over_time(event=event),
        "checkins": selectors.checkins_per_gate(event=event),
    }


def chart_svg(event: Event, chart: str) -> str:
    """Return one of the event's charts as SVG, in the active language."""
    if chart == "sales":
        return charts.line_chart(
            selectors.sales_over_time(event=event), title=_("Tickets sold per type over time"),
            empty=_("No tickets sold yet."),
        )
    return charts.bar_chart(
        selectors.checkins_per_gate(event=event), title=_("Check-ins per gate per 15 minutes"),
        empty=_("No check-ins yet."),
    )


def chart_response(event: Event, chart: str) -> HttpResponse:
    response = HttpResponse(chart_svg(event, chart), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def export_response(event: Event, kind: str, fmt: str) -> HttpResponse:
    """Return the attendees or payments of an event as a CSV (streamed) or XLSX download."""
    data = exports.table(event=event, kind=kind)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(data), content_type=exports.FORMATS["csv"])
    else:
        response = HttpResponse(exports.xlsx_bytes(data), content_type=exports.FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(event=event, kind=kind, fmt=fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response
