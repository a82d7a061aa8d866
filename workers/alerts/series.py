"""Mention counts per time bucket: the series every alert detector reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from earful.params import parse_duration

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_THURSDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


class SeriesError(ValueError):
    """A series that cannot be read (bad interval, lengths that disagree, a time zone that does not exist)."""


def parse_interval(value: object) -> int:
    """``"5m"``, ``"1h"``, ``900`` → seconds per bucket; a day must hold a whole number of buckets."""
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise SeriesError(f"interval: {exc}") from None
    if 86400 % seconds and seconds % 86400:
        raise SeriesError(f"interval {value!r} does not divide a day; use e.g. 5m, 15m, 1h or 1d")
    return seconds


def zone(name: str | None) -> ZoneInfo:
    """The IANA time zone ``name`` (UTC when empty)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise SeriesError(f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin") from None


def _as_counts(values: object, what: str) -> np.ndarray:
    array = np.asarray(values if values is not None else [], dtype=np.float64)
    if array.ndim != 1 or not np.all(np.isfinite(array)):
        raise SeriesError(f"{what} must be a flat list of numbers")
    return np.clip(np.rint(array), 0, None).astype(np.int64)


@dataclass(frozen=True)
class Series:
    """``counts[i]`` mentions (``negative[i]`` of them negative) published in bucket ``i``.

    Bucket ``i`` covers ``[start + i*step, start + (i+1)*step)``; ``tz`` is the brand's time zone,
    the one its daily and weekly rhythm follows.
    """

    start: datetime
    step: int
    counts: np.ndarray
    negative: np.ndarray | None = None
    tz: str = "UTC"

    @classmethod
    def build(cls, start: datetime, step: int, counts: object, negative: object = None,
              tz: str | None = None) -> Series:
        """A validated series: counts rounded and clipped at 0, negatives clipped to the counts."""
        if start.tzinfo is None:
            raise SeriesError("start must carry a time zone (UTC)")
        values = _as_counts(counts, "counts")
        neg = None
        if negative is not None:
            neg = _as_counts(negative, "negative")
            if neg.size != values.size:
                raise SeriesError(f"negative has {neg.size} buckets but counts has {values.size}")
            neg = np.minimum(neg, values)
        zone(tz)
        return cls(start.astimezone(timezone.utc), int(step), values, neg, tz or "UTC")

    def __len__(self) -> int:
        return int(self.counts.size)

    def time(self, index: int) -> datetime:
        """Start of bucket ``index``."""
        return self.start + timedelta(seconds=index * self.step)

    def index_at(self, when: datetime) -> int:
        """The bucket that holds ``when`` (may be outside the series)."""
        return int((when - self.start).total_seconds() // self.step)

    def cut(self, length: int) -> Series:
        """The first ``length`` buckets, as a series that ends there."""
        neg = None if self.negative is None else self.negative[:length]
        return Series(self.start, self.step, self.counts[:length], neg, self.tz)

    @cached_property
    def clock(self) -> tuple[np.ndarray, np.ndarray]:
        """Local hour of day at each bucket's centre (0-24, fractional) and local weekday (Monday 0)."""
        return local_clock(self.start, self.step, len(self), self.tz)


def local_clock(start: datetime, step: int, length: int, tz: str) -> tuple[np.ndarray, np.ndarray]:
    """Hour of day and weekday in ``tz`` at the centre of each of ``length`` buckets from ``start``."""
    base = (start - EPOCH).total_seconds()
    centres = base + (np.arange(length, dtype=np.float64) + 0.5) * step
    offsets = _utc_offsets(centres, zone(tz))
    local = centres + offsets
    hours = (local % 86400) / 3600
    weekdays = ((local // 86400).astype(np.int64) + _THURSDAY) % 7
    return hours, weekdays


def _utc_offsets(seconds: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """UTC offset (seconds) at each instant, looked up once per hour of the span."""
    if seconds.size == 0:
        return seconds.copy()
    first = np.floor(seconds[0] / 3600) * 3600
    hours = np.arange(first, seconds[-1] + 3600, 3600)
    table = np.array([_offset(h, tz) for h in hours])
    return table[((seconds - first) // 3600).astype(np.int64)]


def _offset(epoch_seconds: float, tz: ZoneInfo) -> float:
    moment = EPOCH + timedelta(seconds=float(epoch_seconds))
    delta = moment.astimezone(tz).utcoffset()
    return delta.total_seconds() if delta is not None else 0.0
