"""The expected count of every bucket, learnt causally: recent level × weekly rhythm, with its dispersion.

- level: mentions per unit of rhythm over the last week of ordinary buckets (four weeks for quiet
  brands), counts clipped at a high score so a spike that slipped through barely moves it, and
  starting afresh at a lasting change of level;
- rhythm: ``profile.fit_profile`` over the last four weeks, re-learnt daily;
- dispersion: per window length (1, 2, 4 … buckets up to a day) from the baseline's own past errors,
  so the band is as wide as this brand's counts really wander.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

import numpy as np

from workers.alerts.history import History
from workers.alerts.profile import fit_profile
from workers.alerts.series import local_clock
from workers.alerts.stats import Spread, dispersion, share_dispersion
from workers.alerts.tuning import Tuning

DEFAULT_SPREAD = Spread(1.0, 0.1)
DEFAULT_RHO = 0.02
T = TypeVar("T")


def scales_for(step: int, max_hours: float) -> list[int]:
    """Window lengths in buckets: 1, 2, 4 … up to ``max_hours``."""
    longest = max(1, int(round(max_hours * 3600 / step)))
    out = [1]
    while out[-1] * 2 <= longest:
        out.append(out[-1] * 2)
    return out


def _filled(values: list[T | None], default: T) -> list[T]:
    """Unknown entries take the nearest longer window's value (else a shorter one's, else ``default``)."""
    known = [v for v in values if v is not None]
    out: list[T] = []
    fallback = known[-1] if known else default
    for value in reversed(values):
        fallback = value if value is not None else fallback
        out.append(fallback)
    return out[::-1]


class Baseline:
    """Expected counts for a series that grows one bucket at a time."""

    def __init__(self, start: datetime, step: int, tz: str, tuning: Tuning) -> None:
        self.start, self.step, self.tz, self.tuning = start, step, tz, tuning
        self.history = History()
        self.scales = scales_for(step, tuning.max_scale_hours)
        self.spread = [DEFAULT_SPREAD] * len(self.scales)  # per window length
        self.spread_negative = [DEFAULT_SPREAD] * len(self.scales)
        self.rho = [DEFAULT_RHO] * len(self.scales)
        self.volume_from = 0  # the level is learnt from here on (a lasting change of level resets it)
        self.changes: list[int] = [0]  # every bucket where a new level began
        self.share_from = 0
        self._ahead = np.ones(0)
        self._ahead_start = 0
        self._hours = np.zeros(0)  # local clock of every bucket up to the end of the refit period
        self._weekdays = np.zeros(0, dtype=np.int64)
        self.next_refit = 0

    def new_level(self, start: int) -> None:
        """The level changed at bucket ``start``: learn it from there on."""
        self.volume_from = start
        self.changes.append(start)

    def buckets(self, hours: float) -> int:
        return max(1, int(round(hours * 3600 / self.step)))

    def prepare(self, i: int) -> None:
        """Re-learn rhythm and dispersion when bucket ``i`` starts a new refit period."""
        if i < self.next_refit:
            return
        every = self.buckets(6.0 if i < self.buckets(24 * 7) else self.tuning.refit_hours)
        self._fit_profile(i, every)
        self._fit_dispersion(i)
        self.next_refit = i + every

    def _fit_profile(self, i: int, ahead: int) -> None:
        lo = max(0, i - self.buckets(24 * self.tuning.profile_days))
        past = self.history.arrays(lo, i)
        segments = np.searchsorted(np.asarray(self.changes), np.arange(lo, i), side="right")
        profile = fit_profile(past["clipped"], past["rhythm_ok"], self._hours[lo:i], self._weekdays[lo:i],
                              self.buckets(24), segments)
        hours, weekdays = local_clock(self.start + timedelta(seconds=i * self.step), self.step, ahead, self.tz)
        self._hours = np.concatenate([self._hours[:i], hours])
        self._weekdays = np.concatenate([self._weekdays[:i], weekdays])
        self._ahead = profile.at(hours, weekdays, self.step)
        self._ahead_start = i

    def profile_at(self, i: int) -> float:
        return float(self._ahead[i - self._ahead_start])

    def level(self, i: int) -> tuple[float, float]:
        """Mentions per bucket at rhythm 1 before bucket ``i``, and how many mentions that rests on."""
        h, t = self.history, self.tuning
        start = max(self.volume_from, i - self.buckets(24 * t.level_days))
        count = h.window(h.p_level_count, start, i)
        if count < t.level_min_mentions:
            start = max(self.volume_from, i - self.buckets(24 * t.level_days_quiet))
            count = h.window(h.p_level_count, start, i)
        mass = h.window(h.p_level_profile, start, i)
        return (count + 0.5) / (mass + 1.0), count

    def share(self, i: int) -> tuple[float, float]:
        """The usual negative share before bucket ``i``, and how many mentions it rests on.

        Before the start of a share adopted since (a lasting change judged later), the usual share
        is the adopted one so far: what came before it no longer counts as usual.
        """
        h, t = self.history, self.tuning
        end = i if i > self.share_from else len(h.p_share_count) - 1
        start = max(self.share_from, end - self.buckets(24 * t.level_days))
        total = h.window(h.p_share_count, start, end)
        if total < 10 * t.level_min_mentions:
            start = max(self.share_from, end - self.buckets(24 * t.level_days_quiet))
            total = h.window(h.p_share_count, start, end)
        negative = h.window(h.p_share_negative, start, end)
        return (negative + 1.0) / (total + 4.0), total

    def _fit_dispersion(self, i: int) -> None:
        lo = max(0, i - self.buckets(24 * self.tuning.dispersion_days))
        past = self.history.arrays(lo, i)
        if past["counts"].size == 0:
            return
        share, _ = self.share(i)
        sums = {key: np.concatenate([[0.0], np.cumsum(past[key])]) for key in ("counts", "negative", "expected")}
        bad = {key: np.concatenate([[0], np.cumsum(~past[key] | (past["expected"] <= 0))])
               for key in ("rhythm_ok", "share_ok")}
        spread: list[Spread | None] = []
        spread_negative: list[Spread | None] = []
        rho: list[float | None] = []
        floor = self.tuning.min_dispersion
        for scale in self.scales:
            ends = np.arange(past["counts"].size, scale - 1, -scale)
            block = {key: values[ends] - values[ends - scale] for key, values in sums.items()}
            volume = (bad["rhythm_ok"][ends] - bad["rhythm_ok"][ends - scale]) == 0
            share_ok = (bad["share_ok"][ends] - bad["share_ok"][ends - scale]) == 0
            spread.append(dispersion(block["counts"][volume], block["expected"][volume], floor))
            both = volume & share_ok  # expected counts hold only where the rhythm does
            spread_negative.append(dispersion(block["negative"][both], block["expected"][both] * share, floor))
            rho.append(share_dispersion(block["negative"][share_ok], block["counts"][share_ok], share))
        self.spread = _filled(spread, DEFAULT_SPREAD)
        self.spread_negative = _filled(spread_negative, DEFAULT_SPREAD)
        self.rho = _filled(rho, DEFAULT_RHO)
