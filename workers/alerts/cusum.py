"""A CUSUM of the negative share: evidence for a lasting rise, added up bucket by bucket.

A crisis in a quiet stream shows as a few more negative mentions than usual in every bucket, none
of them unusual alone; windows that end now see it only once enough of it is in one window. The
CUSUM adds each bucket's log-likelihood ratio of "the share rose to ``p1``" against "it is the usual
``p0``" and forgets what went before whenever the sum falls to zero, so it measures the best run
ending now, of any length. Two run side by side: a gentle rise (``risen_share``) and a steep one
(``steep_share``, half-way from the gentle one to 0.95), as a crisis may be either. Each bucket's
ratio is divided by its design effect ``1 + (n - 1) rho`` (mentions of one bucket share a mood), so one
odd bucket of a busy brand counts like ``1 / rho`` mentions at most, while a steady run accumulates.

A line alarms when its sum reaches ``h``, set from the average run length it should go without a
false alarm (``arl_threshold``): a sum of log-likelihood ratios crosses ``h`` by chance about once
every ``e^h / KL(p0 || p1)`` observations (Siegmund), so a brand with few mentions a day, which
offers few chances, may alarm on less evidence than a busy one for the same false alarms a year.
The gentle line's ``h`` is capped (at ``z² / 2``, as unlikely as a window scoring ``z``); the steep
line's is not, so at a busy brand it needs a lot: its windows see a steep rise anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

STEEPEST = 0.95


def risen_share(usual: float, gain: float) -> float:
    """The share a rise is judged against: ``gain`` above the usual one, or twice it, whichever is more."""
    return min(STEEPEST, max(usual + gain, 2.0 * usual))


def steep_share(usual: float, gain: float) -> float:
    """The steep line's share: half-way from the gentle rise to 0.95."""
    return (risen_share(usual, gain) + STEEPEST) / 2.0


def cautious_share(usual: float, mentions: float, margin: float) -> float:
    """The usual share ``margin`` standard errors higher, as learnt from ``mentions`` mentions.

    A window's score is one draw against the usual share; a CUSUM adds up bucket after bucket against
    it, so an estimate that is low by chance (a quiet brand's share rests on a few hundred mentions)
    would add a little evidence at every bucket and alarm on ordinary weeks.
    """
    if not 0.0 < usual < 1.0:
        return usual
    return min(STEEPEST, usual + margin * math.sqrt(usual * (1.0 - usual) / max(mentions, 1.0)))


def kl(p0: float, p1: float) -> float:
    """Kullback-Leibler divergence of a Bernoulli ``p0`` from ``p1``: the drift of the ratio under ``p0``."""
    return p0 * math.log(p0 / p1) + (1.0 - p0) * math.log((1.0 - p0) / (1.0 - p1))


def arl_threshold(usual: float, p1: float, horizon: float, cap: float) -> float:
    """``h`` for about one false alarm per ``horizon`` effective observations, never above ``cap``."""
    return min(cap, math.log1p(horizon * kl(usual, p1)))


def _llr(hits: int, mentions: int, usual: float, p1: float) -> float:
    return hits * math.log(p1 / usual) + (mentions - hits) * math.log((1.0 - p1) / (1.0 - usual))


@dataclass
class ShareCusum:
    """Both lines' running sums, where their current runs began, and how far each is from its threshold."""

    total: float = 0.0  # the gentle line
    start: int = 0  # first bucket of its current run
    steep: float = 0.0
    steep_start: int = 0
    over: float = -math.inf  # the larger of (sum - h) over the two lines, at the last bucket
    over_start: int = 0  # the run of the line that is the larger

    def step(self, i: int, hits: int, mentions: int, usual: float, gain: float, rho: float,
             horizon: float = math.inf, cap: float = math.inf) -> None:
        """Add bucket ``i``: ``hits`` negative of ``mentions``, against the ``usual`` share; ``horizon`` (shared
        by the two lines) sets their thresholds (``arl_threshold``), ``cap`` bounds the gentle one's."""
        if mentions <= 0 or not 0.0 < usual < 1.0:
            return
        design = 1.0 + (mentions - 1) * rho
        gentle, steep = risen_share(usual, gain), steep_share(usual, gain)
        if self.total <= 0.0:
            self.start = i
        if self.steep <= 0.0:
            self.steep_start = i
        self.total = max(0.0, self.total + _llr(hits, mentions, usual, gentle) / design)
        self.steep = max(0.0, self.steep + _llr(hits, mentions, usual, steep) / design)
        lines = ((self.total - arl_threshold(usual, gentle, horizon / 2.0, cap), self.start),  # two lines share the alarms
                 (self.steep - arl_threshold(usual, steep, horizon / 2.0, math.inf), self.steep_start))
        self.over, self.over_start = max(lines)

    def reset(self, i: int) -> None:
        self.total, self.start, self.steep, self.steep_start = 0.0, i + 1, 0.0, i + 1
        self.over, self.over_start = -math.inf, i + 1

    def alarm(self) -> bool:
        """A line reached its threshold at the last bucket."""
        return self.over >= 0.0

    def score(self) -> float:
        """The stronger line's evidence read as a z-score."""
        return math.sqrt(2.0 * max(self.total, self.steep))
