"""A bursty brand's own bar: the scores its ordinary days already reach.

Real social volume comes in bursts the count model does not foresee: a retweet storm puts 500
mentions in five minutes where 8 are usual, and at 5-minute buckets such a brand's days peak at
scores of 5–17 most days (NAB's Twitter volume series; a modelled brand's ordinary days peak at 2–4).
Alerting on each would raise an incident a day. So where the median of the last days' peaks is
already past ``peak_gate``, a new volume incident needs a score above the ``peak_rank``-th highest
daily peak of those days: the bursts this brand has most weeks are its normal, a bigger one is news.
A brand whose days peak under the gate, as most do, never meets a bar once it is no longer young.

Before ``young_days`` the brand is young: its bursts are not known yet, so a volume incident needs a score above
its highest daily peak so far, gate or not. A brand's first bursts are mostly its ordinary ones (on real
Twitter volume, bursts in a series' first two weeks raised a third of its false alarms), and a calm young
brand's days peak under the preset's threshold, so its bar changes nothing.
"""

from __future__ import annotations

import math

from workers.alerts.baseline import Baseline
from workers.alerts.tuning import Tuning


def peak_score(b: Baseline, i: int, t: Tuning) -> float:
    """The highest volume score of any window ending at bucket ``i`` (those expecting ``min_expected``)."""
    h, end = b.history, i + 1
    _, mentions = b.level(i)
    extra = 1.0 / (mentions + 1.0)
    best = 0.0
    for k, scale in enumerate(b.scales):
        if scale > end:
            break
        expected = h.p_expected[end] - h.p_expected[end - scale]
        observed = h.p_count[end] - h.p_count[end - scale]
        if expected >= t.min_expected and observed > expected:  # at or under its expectation it scores 0
            best = max(best, b.spread[k].above(observed, expected, extra))
    return best


class DailyPeaks:
    """Each day's highest volume score (days counted in buckets from the series' start)."""

    def __init__(self, day: int, tuning: Tuning) -> None:
        self.day, self.tuning = day, tuning
        self.keep = max(1, int(round(tuning.peak_days)))
        self.young = int(round(tuning.young_days))
        self.peaks: dict[int, float] = {}

    def add(self, i: int, score: float) -> None:
        today = i // self.day
        if score > self.peaks.get(today, -math.inf):
            self.peaks[today] = score
        for day in [d for d in self.peaks if d < today - self.keep]:
            del self.peaks[day]

    def is_young(self, i: int, born: int = 0) -> bool:
        """At bucket ``i`` the brand (first mention at ``born``) is younger than ``young_days``."""
        return i < born + self.young * self.day

    def bar(self, i: int, born: int = 0) -> float:
        """The score a volume incident must beat at bucket ``i`` (0: no bar), from the days before today's;
        ``born``: the brand's first bucket with a mention (its age counts from there)."""
        today, t = i // self.day, self.tuning
        past = sorted((score for day, score in self.peaks.items() if today - self.keep <= day < today), reverse=True)
        if self.is_young(i, born):  # young: the highest peak so far
            return past[0] if past else 0.0
        if len(past) < t.peak_rank or past[len(past) // 2] < t.peak_gate:
            return 0.0
        return past[t.peak_rank - 1]
