"""Printable tickets: a PDF with one A4 page per paid ticket (QR code, event, attendee, ticket type).

Drawn with ReportLab, pure Python: the QR code is vector (sharp on any
printer, from the same matrix as the PNG and SVG), and the text is set in the
Bitstream Vera fonts ReportLab ships, so nothing depends on the fonts of the
machine. Text is in the active language; callers choose it.
"""

import functools
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from events.templatetags.eventhub import event_time, rupiah

from . import qr
from .models import Registration

CONTENT_TYPE = "application/pdf"
BRAND = HexColor("#1d4ed8")
INK = HexColor("#1f2937")
MUTED = HexColor("#6b7280")
LINE = HexColor("#d1d5db")
MARGIN = 18 * mm
QR_SIZE = 80 * mm


@functools.cache
def _fonts() -> tuple[str, str]:
    """Register ReportLab's own TrueType fonts once; return the regular and bold names."""
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("Vera-Bold", "VeraBd.ttf"))
    return "Vera", "Vera-Bold"


def filename(registration: Registration) -> str:
    """Return the download name of a registration's ticket PDF."""
    return f"tiket-{registration.event.slug}-{str(registration.pk)[:8]}.pdf"


def attendee_name(registration: Registration) -> str:
    """Return the name printed on the ticket: the attendee's own where the registration has one, else the buyer's."""
    return getattr(registration, "attendee_name", "") or registration.user.full_name


def render(registrations: Iterable[Registration]) -> bytes:
    """Return a PDF with one page per registration (each paid: only a paid ticket admits)."""
    regular, bold = _fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setCreator("EventHub")
    canvas.setTitle(_("EventHub ticket"))
    pages = 0
    for registration in registrations:
        if registration.status != Registration.Status.PAID:
            raise ValueError(f"registration {registration.pk} is not paid: it has no ticket")
        _page(canvas, registration, regular=regular, bold=bold)
        canvas.showPage()
        pages += 1
    if not pages:
        raise ValueError("no tickets to render")
    canvas.save()
    return out.getvalue()


def _page(canvas: Canvas, registration: Registration, *, regular: str, bold: str) -> None:
    event = registration.event
    width, height = A4
    text_width = width - 2 * MARGIN

    # Header band.
    canvas.setFillColor(BRAND)
    canvas.rect(0, height - 24 * mm, width, 24 * mm, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(bold, 18)
    canvas.drawString(MARGIN, height - 15 * mm, "EventHub")
    canvas.setFont(regular, 11)
    canvas.drawRightString(width - MARGIN, height - 15 * mm, _("E-ticket").upper())

    # The event.
    y = height - 24 * mm - 14 * mm
    canvas.setFillColor(INK)
    y = _lines(canvas, event.title, bold, 20, 25, text_width, y, max_lines=3)
    canvas.setFont(regular, 12)
    y -= 3 * mm
    facts = [event_time(event.event_date, event)]
    if event.place:
        facts.append(event.place)
    if event.organizer:
        facts.append(_("Organiser: %(name)s") % {"name": event.organizer})
    for fact in facts:
        y = _lines(canvas, fact, regular, 12, 16, text_width, y, max_lines=2)

    # The QR code, centred.
    y -= 8 * mm
    modules = qr.matrix(registration.qr_code)
    cell = QR_SIZE / len(modules)
    left, top = (width - QR_SIZE) / 2, y
    canvas.setStrokeColor(LINE)
    canvas.setLineWidth(0.75)
    canvas.roundRect(left - 4 * mm, top - QR_SIZE - 4 * mm, QR_SIZE + 8 * mm, QR_SIZE + 8 * mm, 3 * mm, stroke=1, fill=0)
    canvas.setFillColor(HexColor("#000000"))
    # One rectangle per run of dark modules in a row: fewer seams between neighbours in PDF viewers.
    for row_index, row in enumerate(modules):
        start = None
        for column_index, dark in enumerate([*row, False]):
            if dark and start is None:
                start = column_index
            elif not dark and start is not None:
                run = column_index - start
                canvas.rect(left + start * cell, top - (row_index + 1) * cell, run * cell, cell, stroke=0, fill=1)
                start = None
    y = top - QR_SIZE - 12 * mm
    canvas.setFillColor(MUTED)
    canvas.setFont(regular, 10)
    canvas.drawCentredString(width / 2, y, _("Show this QR code at the entrance. It admits one person, once."))

    # Who and what.
    y -= 12 * mm
    rows = [
        (_("Attendee"), attendee_name(registration)),
        (_("Ticket"), registration.ticket.name),
        (_("Amount"), rupiah(registration.amount)),
        (_("Paid at"), event_time(registration.paid_at, event)),
    ]
    order = getattr(registration, "order", None)
    if order is not None and getattr(order, "number", ""):
        rows.append((_("Order number"), order.number))
    label_width = 42 * mm
    for label, value in rows:
        canvas.setFillColor(MUTED)
        canvas.setFont(regular, 10)
        canvas.drawString(MARGIN, y, label)
        canvas.setFillColor(INK)
        y = _lines(canvas, value, bold, 12, 16, text_width - label_width, y, x=MARGIN + label_width, max_lines=2)
        y -= 2 * mm

    # The code in words, for a scanner that cannot read the image.
    y -= 4 * mm
    canvas.setFillColor(MUTED)
    canvas.setFont(regular, 9)
    canvas.drawString(MARGIN, y, _("Ticket code"))
    canvas.setFillColor(INK)
    _lines(canvas, registration.qr_code, regular, 9, 12, text_width - label_width, y, x=MARGIN + label_width)

    # Footer.
    canvas.setStrokeColor(LINE)
    canvas.line(MARGIN, 20 * mm, width - MARGIN, 20 * mm)
    canvas.setFillColor(MUTED)
    canvas.setFont(regular, 8)
    stamp = timezone.localtime(timezone.now(), event.tzinfo)
    canvas.drawString(MARGIN, 14 * mm, _("Issued by EventHub · %(when)s") % {"when": event_time(stamp, event)})
    canvas.drawRightString(width - MARGIN, 14 * mm, str(registration.pk))


def _lines(canvas: Canvas, text: str, font: str, size: float, leading: float, width: float, y: float, *,
           x: float = MARGIN, max_lines: int = 0) -> float:
    """Draw `text` wrapped to `width` from baseline `y` down; return the baseline below the last line."""
    lines = simpleSplit(" ".join(str(text).split()), font, size, width) or [""]
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip()[:-1] + "…"
    canvas.setFont(font, size)
    for line in lines:
        canvas.drawString(x, y, line)
        y -= leading
    return y
