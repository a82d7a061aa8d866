"""Judging detections against labelled windows, as ``../shared/data/spike-series/README.md`` defines it.

An alert whose start falls inside a window of its kind is a hit (several in one window find it
once, and none of them is wrong); outside every window of its kind it is a false alarm, unless it
falls in an ``ignore_windows`` span (then it is neither). Precision = hits / (hits + false alarms),
recall = windows found / windows, delay = first alert in a window − the window's start, in buckets.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workers.alerts.labelled import Span
from workers.alerts.nab import NabTally, nab_file
from workers.alerts.series import Series


@dataclass
class Tally:
    """Counts for one trigger over one or more series."""

    windows: int = 0
    found: int = 0
    hits: int = 0
    false_alarms: int = 0
    ignored: int = 0
    delays: list[float] = field(default_factory=list)
    missed_windows: list[tuple[str, Span]] = field(default_factory=list)
    false_alarm_times: list[tuple[str, datetime]] = field(default_factory=list)
    nab: NabTally = field(default_factory=NabTally)

    def add(self, other: Tally) -> None:
        self.windows += other.windows
        self.found += other.found
        self.hits += other.hits
        self.false_alarms += other.false_alarms
        self.ignored += other.ignored
        self.delays += other.delays
        self.missed_windows += other.missed_windows
        self.false_alarm_times += other.false_alarm_times
        self.nab.add(other.nab)

    def figures(self) -> dict[str, Any]:
        events = self.hits + self.false_alarms
        return {
            "windows": self.windows, "found": self.found, "missed": self.windows - self.found,
            "alerts": events + self.ignored, "false_alarms": self.false_alarms, "ignored": self.ignored,
            "precision": round(self.hits / events, 4) if events else None,
            "recall": round(self.found / self.windows, 4) if self.windows else None,
            "median_delay_buckets": statistics.median(self.delays) if self.delays else None,
            "nab": round(self.nab.score, 2) if self.nab.score is not None else None,
        }


def _inside(when: datetime, spans: list[Span]) -> bool:
    return any(a <= when <= b for a, b in spans)


def judge(series_id: str, series: Series, alerts: list[datetime], windows: list[Span],
          ignore: list[Span]) -> Tally:
    """Tally one trigger's alerts on one series."""
    tally = Tally(windows=len(windows))
    for a, b in windows:
        inside = [t for t in alerts if a <= t <= b]
        if inside:
            tally.found += 1
            tally.delays.append((min(inside) - a).total_seconds() / series.step)
        else:
            tally.missed_windows.append((series_id, (a, b)))
    for when in alerts:
        if _inside(when, windows):
            tally.hits += 1
        elif _inside(when, ignore):
            tally.ignored += 1
        else:
            tally.false_alarms += 1
            tally.false_alarm_times.append((series_id, when))
    tally.nab = nab_file(len(series), [_rows(series, span) for span in windows],
                         [series.index_at(t) for t in alerts])
    return tally


def _rows(series: Series, span: Span) -> tuple[int, int]:
    """The rows a window covers: first bucket starting at or after its start, last at or before its end."""
    first = -((series.start - span[0]).total_seconds() // series.step)
    last = (span[1] - series.start).total_seconds() // series.step
    return int(first), int(last)
