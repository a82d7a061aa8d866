"""A CUSUM of the negative share: evidence for a lasting rise, added up bucket by bucket.

A crisis in a quiet stream shows as a few more negative mentions than usual in every bucket, none
of them unusual alone; windows that end now see it only once enough of it is in one window. The
CUSUM adds each bucket's log-likelihood ratio of "the share rose to ``p1``" against "it is the usual
``p0``" and forgets what went before whenever the sum falls to zero, so it measures the best run
ending now, of any length. Each bucket's ratio is divided by its design effect ``1 + (n - 1) rho``
(mentions of one bucket share a mood), so one odd bucket of a busy brand counts like ``1 / rho``
mentions at most, while a steady run accumulates; a run reaching ``z² / 2`` is about as unlikely as a
window scoring ``z``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def risen_share(usual: float, gain: float) -> float:
    """The share a rise is judged against: ``gain`` above the usual one, or twice it, whichever is more."""
    return min(0.95, max(usual + gain, 2.0 * usual))


@dataclass
class ShareCusum:
    """The running sum and where its current run began."""

    total: float = 0.0
    start: int = 0  # first bucket of the current run

    def step(self, i: int, hits: int, mentions: int, usual: float, gain: float, rho: float) -> None:
        """Add bucket ``i``: ``hits`` negative of ``mentions``, against the ``usual`` share."""
        if mentions <= 0 or not 0.0 < usual < 1.0:
            return
        p1 = risen_share(usual, gain)
        llr = hits * math.log(p1 / usual) + (mentions - hits) * math.log((1.0 - p1) / (1.0 - usual))
        llr /= 1.0 + (mentions - 1) * rho
        if self.total <= 0.0:
            self.start = i
        self.total = max(0.0, self.total + llr)

    def reset(self, i: int) -> None:
        self.total, self.start = 0.0, i + 1

    def score(self) -> float:
        """The run's evidence read as a z-score."""
        return math.sqrt(2.0 * self.total)
