"""Labelled series for ``earful eval alerts``: one JSON object a line (``../shared/data/spike-series``).

Required: ``counts`` and ``start`` (or bucket ``timestamps``); ``interval`` defaults to 5m (``5min``,
``1 hour`` and seconds are read too). Optional: ``id``, ``negative``,
``tz``, and the window lists ``windows`` (volume), ``negative_windows``, ``silence_windows`` and
``ignore_windows``. A trigger is judged on a series only when the series carries its window list;
a line that cannot be read is skipped and counted with the reason, never the whole file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workers.alerts.series import Series, SeriesError, parse_interval

WINDOW_KEYS = {"volume_spike": "windows", "negative_spike": "negative_windows",
               "negative_share": "negative_windows", "silence": "silence_windows"}
Span = tuple[datetime, datetime]


@dataclass
class Labelled:
    id: str
    series: Series
    windows: dict[str, list[Span]]  # by trigger, only for the lists the line carries
    ignore: list[Span] = field(default_factory=list)


def parse_time(value: object) -> datetime:
    """An ISO 8601 time (``Z`` or an offset; naive means UTC), or epoch seconds."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a time")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _spans(raw: object, skipped: Counter[str]) -> list[Span]:
    out: list[Span] = []
    for item in raw if isinstance(raw, list) else []:
        try:
            if isinstance(item, dict):
                item = [item.get("start"), item.get("end")]
            first, last = parse_time(item[0]), parse_time(item[1])  # type: ignore[index]
        except (TypeError, ValueError, IndexError, KeyError):
            skipped["window:unreadable"] += 1
            continue
        out.append((min(first, last), max(first, last)))
    return sorted(out)


_UNITS = {"s": "s", "sec": "s", "second": "s", "m": "m", "min": "m", "minute": "m", "t": "m", "h": "h",
          "hr": "h", "hour": "h", "d": "d", "day": "d"}
_SPELLED = re.compile(r"^(\d+)\s*([a-z]+?)s?$")


def interval_of(value: object) -> int:
    """``5m`` as the format writes it, and the usual other spellings (``5min``, ``1 hour``, ``300``)."""
    if isinstance(value, str):
        found = _SPELLED.match(value.strip().lower())
        if found and found.group(2) in _UNITS:
            value = f"{found.group(1)}{_UNITS[found.group(2)]}"
    return parse_interval(value)


def _timing(obj: dict[str, Any]) -> tuple[datetime, int]:
    """Start and bucket length: ``start`` and ``interval``, or a list of bucket ``timestamps``."""
    stamps = obj.get("timestamps")
    if "start" not in obj and isinstance(stamps, list) and len(stamps) >= 2:
        times = [parse_time(t) for t in stamps[:50]]
        gaps = sorted(int((b - a).total_seconds()) for a, b in zip(times, times[1:]))
        return times[0], interval_of(obj.get("interval", gaps[len(gaps) // 2]))
    if "start" not in obj:
        raise ValueError("needs 'start' (or 'timestamps')")
    return parse_time(obj["start"]), interval_of(obj.get("interval", "5m"))


def parse_line(obj: dict[str, Any], fallback_id: str, skipped: Counter[str]) -> Labelled:
    """One labelled series; ValueError/SeriesError says what is wrong with it."""
    if "counts" not in obj:
        raise ValueError("needs 'counts'")
    negative = obj.get("negative")
    if negative is not None and (not isinstance(negative, list) or len(negative) != len(obj["counts"])):
        skipped["negative:length differs from counts"] += 1
        negative = None
    start, step = _timing(obj)
    series = Series.build(start, step, obj["counts"], negative, obj.get("tz"))
    windows = {trigger: _spans(obj[key], skipped) for trigger, key in WINDOW_KEYS.items() if key in obj}
    return Labelled(str(obj.get("id") or fallback_id), series, windows, _spans(obj.get("ignore_windows"), skipped))


def read_labelled(path: Path) -> tuple[list[Labelled], Counter[str]]:
    """The readable series of a JSONL file, and the count of skipped lines and windows by reason."""
    items: list[Labelled] = []
    skipped: Counter[str] = Counter()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
                items.append(parse_line(obj, f"line{number}", skipped))
            except (ValueError, SeriesError, TypeError) as exc:
                reason = "not JSON" if isinstance(exc, json.JSONDecodeError) else str(exc).split(";")[0]
                skipped[f"line:{reason}"] += 1
    return items, skipped
