"""The weekly rhythm of a brand's mentions: one multiplier per local hour of the week, learnt robustly.

The rhythm is hour of day × day of week × what is particular to that hour on that day, each
factor shrunk towards "no rhythm" in proportion to how few mentions it rests on: a brand with
five mentions a day gets an almost flat profile, a busy one its full shape. Values are
interpolated between hour centres so 5-minute buckets follow the curve instead of steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SLOTS = 7 * 24
HOUR_PRIOR = 25.0  # pseudo-mentions pulling each factor towards 1
DAY_PRIOR = 40.0
CELL_PRIOR = 25.0


@dataclass(frozen=True)
class Profile:
    """Multipliers per local (weekday, hour), mean 1 over the week."""

    table: np.ndarray  # shape (7, 24)

    @classmethod
    def flat(cls) -> Profile:
        return cls(np.ones((7, 24)))

    def at(self, hours: np.ndarray, weekdays: np.ndarray, step: int) -> np.ndarray:
        """The multiplier of each bucket (bucket-centre clock), averaged over the hours of long buckets."""
        parts = max(1, step // 3600)
        if parts == 1:
            return self._interpolate(hours, weekdays)
        total = np.zeros(hours.size)
        for j in range(parts):
            shifted = hours + (j + 0.5) * step / parts / 3600 - step / 7200
            day_shift = np.floor(shifted / 24).astype(np.int64)
            total += self._interpolate(shifted - 24 * day_shift, (weekdays + day_shift) % 7)
        return total / parts

    def _interpolate(self, hours: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
        flat = self.table.reshape(-1)
        position = weekdays * 24 + hours - 0.5
        below = np.floor(position)
        frac = position - below
        lo = below.astype(np.int64) % SLOTS
        return (1 - frac) * flat[lo] + frac * flat[(lo + 1) % SLOTS]


def _shrunk(observed: np.ndarray, expected: np.ndarray, prior: float) -> np.ndarray:
    return (observed + prior) / (expected + prior)


def _window_mean(counts: np.ndarray, usable: np.ndarray, lo: np.ndarray, width: int) -> np.ndarray:
    sums = np.concatenate([[0.0], np.cumsum(np.where(usable, counts, 0.0))])
    used = np.concatenate([[0], np.cumsum(usable)])
    return (sums[lo + width] - sums[lo]) / np.maximum(used[lo + width] - used[lo], 1)


def daily_level(counts: np.ndarray, usable: np.ndarray, day: int) -> np.ndarray:
    """Mean count of the ordinary buckets in the whole day around each bucket (kept inside the data).

    Dividing by it takes drift, changes of level and the weekly swing out of the daily shape; the
    window always spans a full day, so it holds the whole daily curve and biases no hour.
    """
    n = counts.size
    if n <= day:
        return np.full(n, float(counts[usable].sum()) / max(int(usable.sum()), 1))
    lo = np.clip(np.arange(n) - day // 2, 0, n - day)
    return _window_mean(counts, usable, lo, day)


def weekly_level(counts: np.ndarray, usable: np.ndarray, segments: np.ndarray, week: int) -> np.ndarray:
    """Mean count over the whole week around each bucket, inside its level segment; NaN where the
    segment is shorter than a week (its days cannot tell a weekday from a weekend)."""
    n = counts.size
    out = np.full(n, np.nan)
    bounds = np.flatnonzero(np.diff(segments)) + 1
    for first, end in zip(np.concatenate([[0], bounds]), np.concatenate([bounds, [n]])):
        if end - first < week:
            continue
        lo = np.clip(np.arange(first, end) - week // 2, first, end - week)
        out[first:end] = _window_mean(counts, usable, lo, week)
    return out


def fit_profile(counts: np.ndarray, usable: np.ndarray, hours: np.ndarray, weekdays: np.ndarray,
                day: int, segments: np.ndarray | None = None) -> Profile:
    """Learn the rhythm from past buckets: ``usable`` marks the ordinary ones, ``day`` is buckets per day,
    ``segments`` numbers the stretches between changes of level."""
    if not usable.any() or counts[usable].sum() <= 0:
        return Profile.flat()
    segments = np.zeros(counts.size, dtype=np.int64) if segments is None else segments
    week = weekly_level(counts, usable, segments, 7 * day)[usable]
    daily = daily_level(counts, usable, day)[usable]
    c = counts[usable].astype(np.float64)
    hour = np.minimum(hours[usable].astype(np.int64), 23)
    weekday = weekdays[usable]
    by_hour = _shrunk(np.bincount(hour, c, 24), np.bincount(hour, daily, 24), HOUR_PRIOR)
    shape = daily * by_hour[hour]
    cell = weekday * 24 + hour
    by_cell = _shrunk(np.bincount(cell, c, SLOTS), np.bincount(cell, shape, SLOTS), CELL_PRIOR).reshape(7, 24)
    by_cell /= by_cell.mean(axis=1, keepdims=True)
    known = ~np.isnan(week)
    expected = week[known] * by_hour[hour[known]]
    by_day = _shrunk(np.bincount(weekday[known], c[known], 7), np.bincount(weekday[known], expected, 7), DAY_PRIOR)
    table = by_day[:, None] * by_hour[None, :] * by_cell
    return Profile(table / table.mean())
