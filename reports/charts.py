"""Charts as plain SVG, drawn on the server: no chart library in the admin's or the PWA's pages.

`line_chart` draws cumulated sales per ticket type, `bar_chart` stacked
admissions per gate. Every text is escaped; colours come from a fixed palette
that stays readable for the common colour-vision deficiencies.
"""

import math

from django.utils import formats
from django.utils.html import escape
from django.utils.translation import gettext as _

from .selectors import TimeSeries

PALETTE = ["#1d4ed8", "#ea580c", "#059669", "#9333ea", "#db2777", "#0891b2", "#ca8a04", "#4b5563"]
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
LEGEND_ROW = 20


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _nice_max(value: int) -> int:
    """Return a round axis maximum at or above `value` (1, 2, 5 × 10ⁿ steps of four ticks)."""
    if value <= 4:
        return 4
    step = value / 4
    magnitude = 10 ** math.floor(math.log10(step))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= step:
            return int(factor * magnitude * 4)
    return value


def _label(moment, bucket: str) -> str:
    if bucket == "day":
        return formats.date_format(moment, "j M")
    if bucket == "hour" and moment.hour == 0:
        return formats.date_format(moment, "j M")
    return formats.date_format(moment, "H:i")


def _frame(data: TimeSeries, *, title: str, top: int) -> tuple[list[str], float, float, int]:
    """Return the SVG's opening, grid and axis labels, the plot's width and height, and the axis maximum."""
    legend_height = LEGEND_ROW * math.ceil(len(data.series) / 3) if data.series else 0
    height = HEIGHT + legend_height
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    maximum = _nice_max(top)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="report-chart" font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for tick in range(5):
        value = maximum * tick // 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#6b7280">{value}</text>')
    count = len(data.starts)
    every = max(1, math.ceil(count / 8))
    for i in range(0, count, every):
        x = LEFT + plot_w * (i + 0.5) / count
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" fill="#6b7280">'
            f"{escape(_label(data.starts[i], data.bucket))}</text>"
        )
    for index, series in enumerate(data.series):
        x = LEFT + (index % 3) * (plot_w / 3)
        y = HEIGHT + LEGEND_ROW * (index // 3) - 4
        parts.append(f'<rect x="{x:.1f}" y="{y - 10}" width="12" height="12" rx="2" fill="{color(index)}"/>')
        parts.append(f'<text x="{x + 18:.1f}" y="{y}" fill="#1f2937">{escape(_shorten(series.name))}</text>')
    return parts, plot_w, plot_h, maximum


def _shorten(text: str, limit: int = 30) -> str:
    text = text or _("(no gate name)")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _empty(title: str, message: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 80" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="report-chart empty" font-family="system-ui, sans-serif" font-size="14">'
        f"<title>{escape(title)}</title>"
        f'<text x="{WIDTH / 2}" y="45" text-anchor="middle" fill="#6b7280">{escape(message)}</text></svg>'
    )


def line_chart(data: TimeSeries, *, title: str, empty: str) -> str:
    """Return one line per series over the buckets (cumulated sales per ticket type)."""
    if not data.starts:
        return _empty(title, empty)
    top = max((max(s.values) for s in data.series if s.values), default=0)
    parts, plot_w, plot_h, maximum = _frame(data, title=title, top=top)
    count = len(data.starts)
    for index, series in enumerate(data.series):
        points = " ".join(
            f"{LEFT + plot_w * (i + 0.5) / count:.1f},{TOP + plot_h - plot_h * value / maximum:.1f}"
            for i, value in enumerate(series.values)
        )
        label = escape(f"{series.name}: {series.values[-1] if series.values else 0}")
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{color(index)}" stroke-width="2.5" '
            f'stroke-linejoin="round"><title>{label}</title></polyline>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(data: TimeSeries, *, title: str, empty: str) -> str:
    """Return stacked bars per bucket, one colour per series (admissions per gate)."""
    if not data.starts:
        return _empty(title, empty)
    totals = [sum(values) for values in zip(*(s.values for s in data.series), strict=True)]
    parts, plot_w, plot_h, maximum = _frame(data, title=title, top=max(totals, default=0))
    count = len(data.starts)
    slot = plot_w / count
    bar = max(slot * 0.8, 1)
    for i, start in enumerate(data.starts):
        base = TOP + plot_h
        for index, series in enumerate(data.series):
            value = series.values[i]
            if not value:
                continue
            h = plot_h * value / maximum
            base -= h
            when = formats.date_format(start, "j M H:i")
            parts.append(
                f'<rect x="{LEFT + slot * i + (slot - bar) / 2:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{color(index)}"><title>{escape(f"{series.name or _("(no gate name)")} · {when}: {value}")}'
                f"</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)
