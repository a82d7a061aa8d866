"""How values look on a page: times in the viewer's zone, stars, sentiment badges, text direction, highlights."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from workers.alerts.evidence import read_toward

# Languages written right to left: their mentions get dir="rtl" inside the left-to-right page.
RTL_LANGS = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})
_HIGHLIGHT_TAG = re.compile(r"</?b>")
SENTIMENT_LABELS = {"positive": "positive", "neutral": "neutral", "negative": "negative", "unscored": "not scored"}


def text_dir(lang: str | None) -> str:
    """``rtl`` for a right-to-left language, else ``auto`` (the browser looks at the first strong letter)."""
    return "rtl" if (lang or "").split("-")[0].lower() in RTL_LANGS else "auto"


def highlighted(fragment: str) -> Markup:
    """A backend's highlight fragment (text escaped, matches in <b>) as markup; anything else is escaped."""
    if "<" in _HIGHLIGHT_TAG.sub("", fragment) or ">" in _HIGHLIGHT_TAG.sub("", fragment):
        return escape(_HIGHLIGHT_TAG.sub("", fragment))
    return Markup(_HIGHLIGHT_TAG.sub(lambda m: "<mark>" if m.group() == "<b>" else "</mark>", fragment))


def stars(normalized: float | None) -> dict[str, Any] | None:
    """A rating (0 = worst, 1 = best, as stored) as whole and half stars from 1 to 5, with the words a screen
    reader says."""
    if normalized is None:
        return None
    halves = round((1 + 4 * normalized) * 2)
    value = halves / 2
    return {"full": halves // 2, "half": halves % 2, "empty": 5 - halves // 2 - halves % 2,
            "label": f"{value:g} of 5 stars"}


def local_time(moment: datetime | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(tz).strftime(fmt) if moment else "—"


def ago(when: datetime | None, now: datetime, *, compact: bool = False) -> str:
    """``5 min ago`` / ``in 2 h`` (compact: ``5m ago``, for terminal tables); a dash for never."""
    if when is None:
        return "—"
    seconds = int((now - when).total_seconds())
    future, seconds = seconds < 0, abs(seconds)
    space = "" if compact else " "
    for unit, size in (("d", 86400), ("h", 3600), ("m" if compact else "min", 60)):
        if seconds >= size:
            text = f"{seconds // size}{space}{unit}"
            break
    else:
        text = f"{seconds}{space}s"
    return f"in {text}" if future else f"{text} ago"


def number(value: int | float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def amount(value: float | None) -> str:
    """A count or an expected count: whole numbers as they are, others to one decimal (0.07 → 0.1)."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def signed(value: float | None, digits: int = 2) -> str:
    """+0.12 / −0.30, with a true minus sign; a dash for no value."""
    if value is None:
        return "—"
    text = f"{abs(value):.{digits}f}"
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def shorten(text: str | None, limit: int = 280) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


FILTERS = {"text_dir": text_dir, "highlighted": highlighted, "stars": stars, "local_time": local_time,
           "number": number, "amount": amount, "ago": ago, "signed": signed, "shorten": shorten,
           "read_toward": read_toward}
