"""The longest ordinary lull of a series: how much was expected in its longest recent run of quiet buckets.

A quiet brand goes without mentions all the time; how long it can go is its own: a brand whose
mentions arrive in clumps has longer lulls than one whose mentions trickle in. Scanning every
start of a lull, the longest one among ``n`` ordinary stretches expects about ``ln n`` mentions
for a Poisson brand, more for a clumpy one. A silence that has run well past the longest lull of
the last weeks is unusual for this brand whatever its noise model says, so silence may open on a
weaker score once it has (``signals.silence``).

Kept as a sliding-window maximum (a deque of decreasing masses), so each bucket costs O(1).
"""

from __future__ import annotations

from collections import deque


class Lulls:
    """Quiet runs that ended without a silence incident: (bucket after the run, expected mentions in it)."""

    def __init__(self, span: int) -> None:
        self.span = span  # lulls are remembered this many buckets
        self.runs: deque[tuple[int, float]] = deque()

    def add(self, end: int, mass: float) -> None:
        """A quiet run ended before bucket ``end``, expecting ``mass`` mentions."""
        runs = self.runs
        while runs and runs[-1][1] <= mass:
            runs.pop()
        runs.append((end, mass))

    def longest(self, i: int) -> float:
        """Expected mentions in the longest lull that ended in the last ``span`` buckets before ``i``."""
        runs = self.runs
        while runs and runs[0][0] <= i - self.span:
            runs.popleft()
        return runs[0][1] if runs else 0.0

    def known(self, i: int) -> bool:
        """Whether lulls have been watched long enough before bucket ``i`` (half the span) to trust."""
        return 2 * i >= self.span

    def snapshot(self) -> list[tuple[int, float]]:
        return list(self.runs)

    def restore(self, saved: list[tuple[int, float]]) -> None:
        self.runs = deque(saved)
