"""Labelled series for ``earful eval alerts``: one JSON object a line (``../shared/data/spike-series``).

Required: ``counts`` and ``start``; ``interval`` defaults to 5m. Optional: ``id``, ``negative``,
``tz``, and the window lists ``windows`` (volume), ``negative_windows``, ``silence_windows`` and
``ignore_windows``. A trigger is judged on a series only when the series carries its window list;
a line that cannot be read is skipped and counted with the reason, never the whole file.
"""

from __future__ import annotations

import json
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


def parse_line(obj: dict[str, Any], fallback_id: str, skipped: Counter[str]) -> Labelled:
    """One labelled series; ValueError/SeriesError says what is wrong with it."""
    if "counts" not in obj or "start" not in obj:
        raise ValueError("needs 'counts' and 'start'")
    negative = obj.get("negative")
    if negative is not None and (not isinstance(negative, list) or len(negative) != len(obj["counts"])):
        skipped["negative:length differs from counts"] += 1
        negative = None
    series = Series.build(parse_time(obj["start"]), parse_interval(obj.get("interval", "5m")), obj["counts"],
                          negative, obj.get("tz"))
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
