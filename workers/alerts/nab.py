"""The Numenta Anomaly Benchmark score (standard profile) of detections against labelled windows.

As NAB 1.x scores a data file (``nab/sweeper.py``), for binary detections:

- the first ``min(floor(0.15 * rows), 0.15 * 5000)`` rows are probationary: detections there are
  ignored, and a window with no row after it is not scored;
- each scored window starts at ``-A_FN``; a detection inside it scores
  ``A_TP * S(-(right - i + 1) / width) / S(-1)`` and the window keeps its best (so its first)
  detection, later ones in the same window are free;
- a detection outside every window scores ``A_FP * S((i - right) / (width - 1))`` against the
  window that ended last before it, or ``-A_FP`` when none did;
- ``S(x) = 2 / (1 + exp(5x)) - 1`` (−1 beyond x > 3); standard profile ``A_TP = 1``,
  ``A_FP = 0.11``, ``A_FN = 1``.

Raw scores add up over files and are normalised as NAB does: ``100 * (raw - null) / (perfect - null)``
with ``perfect = A_TP * windows`` and ``null`` the score of a detector that never fires
(``-A_FN`` per scored window). 100 is perfect, 0 is as good as never alerting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

A_TP, A_FP, A_FN = 1.0, 0.11, 1.0
PROBATION = 0.15


def scaled_sigmoid(position: float) -> float:
    if position > 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


MAX_TP = scaled_sigmoid(-1.0)


def probation(rows: int) -> int:
    return int(min(math.floor(PROBATION * rows), PROBATION * 5000))


@dataclass
class NabTally:
    """Raw NAB sums over one or more files."""

    raw: float = 0.0
    windows: int = 0  # every labelled window (the perfect score counts them all)
    scored: int = 0  # windows with rows after the probation (the null score counts these)

    def add(self, other: NabTally) -> None:
        self.raw += other.raw
        self.windows += other.windows
        self.scored += other.scored

    @property
    def score(self) -> float | None:
        perfect, null = A_TP * self.windows, -A_FN * self.scored
        if perfect == null:
            return None
        return 100.0 * (self.raw - null) / (perfect - null)


def nab_file(rows: int, windows: list[tuple[int, int]], detections: list[int]) -> NabTally:
    """Score one file: ``windows`` as inclusive row ranges, ``detections`` as row indices."""
    start = probation(rows)
    ordered = sorted((max(0, a), min(rows - 1, b)) for a, b in windows if b >= 0 and a < rows and a <= b)
    best = {k: -A_FN for k, (a, b) in enumerate(ordered) if b >= start}
    fp = 0.0
    for i in sorted(set(detections)):
        if i < start or i >= rows:
            continue
        inside = next((k for k, (a, b) in enumerate(ordered) if a <= i <= b), None)
        if inside is not None:
            a, b = ordered[inside]
            score = A_TP * scaled_sigmoid(-(b - i + 1) / (b - a + 1)) / MAX_TP
            best[inside] = max(best[inside], score)
            continue
        before = [(a, b) for a, b in ordered if b < i]
        if not before:
            fp -= A_FP
        else:
            a, b = before[-1]
            fp += A_FP * scaled_sigmoid(abs(i - b) / max(b - a, 1))
    return NabTally(raw=sum(best.values()) + fp, windows=len(ordered), scored=len(best))
