"""A small chart of the days around an incident, as HTML table cells: no image, nothing remote to load."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from earful.alerts.models import SeriesPoint

HOURS = 48
HEIGHT = 60  # pixels of the tallest column


def hourly(points: Sequence[SeriesPoint], hours: int = HOURS) -> list[tuple[datetime, int, float]]:
    """(hour, observed, top of the expected band) per hour, the last ``hours`` of them."""
    out: dict[datetime, tuple[int, float]] = {}
    for p in points:
        hour = p.start.replace(minute=0, second=0, microsecond=0)
        seen, top = out.get(hour, (0, 0.0))
        out[hour] = (seen + p.observed, top + p.upper)
    return [(h, seen, top) for h, (seen, top) in sorted(out.items())][-hours:]


def bars(points: Sequence[SeriesPoint]) -> str:
    """One column per hour: the observed count (red above the band, blue within it) under a grey
    stretch up to the top of the expected band."""
    rows = hourly(points)
    if not rows:
        return ""
    peak = max(max(seen, top) for _, seen, top in rows) or 1.0
    cells = "".join(_column(hour, seen, top, peak) for hour, seen, top in rows)
    first, last = rows[0][0], rows[-1][0]
    return ('<table role="img" cellpadding="0" cellspacing="1" style="border-collapse:separate">'
            f'<tr style="height:{HEIGHT}px">{cells}</tr></table>'
            f'<div style="font-size:11px;color:#666">{first:%d %b %H:%M} – {last:%d %b %H:%M} UTC, per hour; '
            'grey: up to the top of the expected band; red: above it</div>')


def _column(hour: datetime, seen: int, top: float, peak: float) -> str:
    over = seen > top
    bar = max(1, round(HEIGHT * seen / peak)) if seen else 0
    band = max(0, round(HEIGHT * top / peak) - bar)
    colour = "#c62828" if over else "#1e88e5"
    title = escape(f"{hour:%d %b %H:00}: {seen} (expected up to {top:.0f})")
    grey = f'<div style="height:{band}px;background:#e0e0e0;font-size:0;line-height:0">&nbsp;</div>' if band else ""
    fill = f'<div style="height:{bar}px;background:{colour};font-size:0;line-height:0">&nbsp;</div>' if bar else ""
    return f'<td title="{title}" valign="bottom" style="width:6px;vertical-align:bottom">{grey}{fill}</td>'
