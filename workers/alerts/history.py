"""Bucket-by-bucket memory of a growing series, with running sums so any window costs O(1)."""

from __future__ import annotations

import numpy as np


class History:
    """What the detector has seen so far and what it expected, plus which buckets are ordinary.

    An *ordinary* bucket feeds the baseline; a bucket inside an incident does not, so a spike
    cannot raise its own expectation. Three flags: ``level_ok`` (feeds the recent level),
    ``rhythm_ok`` (feeds the weekly rhythm and the dispersion) and ``share_ok`` (the negative share).
    A new level that was adopted feeds the level but not the rhythm: its buckets were expected at
    the old level.
    """

    def __init__(self) -> None:
        self.counts: list[int] = []
        self.negative: list[int] = []
        self.expected: list[float] = []
        self.profile: list[float] = []
        self.clipped: list[float] = []
        self.level_ok: list[bool] = []
        self.rhythm_ok: list[bool] = []
        self.share_ok: list[bool] = []
        self.p_count = [0.0]
        self.p_negative = [0.0]
        self.p_expected = [0.0]
        self.p_level_count = [0.0]
        self.p_level_profile = [0.0]
        self.p_share_count = [0.0]
        self.p_share_negative = [0.0]

    def __len__(self) -> int:
        return len(self.counts)

    def push(self, count: int, negative: int, expected: float, profile: float) -> None:
        """Record bucket ``len(self)``; ``settle`` must follow once it is known to be ordinary or not."""
        self.counts.append(count)
        self.negative.append(negative)
        self.expected.append(expected)
        self.profile.append(profile)
        self.p_count.append(self.p_count[-1] + count)
        self.p_negative.append(self.p_negative[-1] + negative)
        self.p_expected.append(self.p_expected[-1] + expected)

    def settle(self, clipped: float, ordinary: bool, share_ok: bool) -> None:
        """Say whether the last pushed bucket feeds the baseline, and with what (clipped) count."""
        self.clipped.append(clipped)
        self.level_ok.append(ordinary)
        self.rhythm_ok.append(ordinary)
        self.share_ok.append(share_ok)
        self._extend(len(self.clipped) - 1)

    def _extend(self, i: int) -> None:
        vol, share = self.level_ok[i], self.share_ok[i]
        self.p_level_count.append(self.p_level_count[-1] + (self.clipped[i] if vol else 0.0))
        self.p_level_profile.append(self.p_level_profile[-1] + (self.profile[i] if vol else 0.0))
        self.p_share_count.append(self.p_share_count[-1] + (self.counts[i] if share else 0))
        self.p_share_negative.append(self.p_share_negative[-1] + (self.negative[i] if share else 0))

    def relabel(self, start: int, *, level: bool | None = None, rhythm: bool | None = None,
                share: bool | None = None, unclip: bool = False, end: int | None = None) -> None:
        """Mark buckets ``start`` .. last settled (or ``end - 1``) as ordinary or not (an incident found late,
        a new level)."""
        last = len(self.clipped)
        stop = last if end is None else min(end, last)
        start = max(0, start)
        for i in range(start, stop):
            if level is not None:
                self.level_ok[i] = level
            if rhythm is not None:
                self.rhythm_ok[i] = rhythm
            if share is not None:
                self.share_ok[i] = share
            if unclip:
                self.clipped[i] = float(self.counts[i])
        for prefix in (self.p_level_count, self.p_level_profile, self.p_share_count, self.p_share_negative):
            del prefix[start + 1:]
        for i in range(start, last):
            self._extend(i)

    def truncate(self, length: int) -> None:
        """Forget every bucket from ``length`` on (what a look at unfinished buckets added)."""
        for values in (self.counts, self.negative, self.expected, self.profile, self.clipped, self.level_ok,
                       self.rhythm_ok, self.share_ok):
            del values[length:]
        for prefix in (self.p_count, self.p_negative, self.p_expected, self.p_level_count, self.p_level_profile,
                       self.p_share_count, self.p_share_negative):
            del prefix[length + 1:]

    @staticmethod
    def window(prefix: list[float], start: int, end: int) -> float:
        """Sum over buckets ``start`` .. ``end - 1`` of the series behind ``prefix`` (0 for an empty window)."""
        start = max(start, 0)
        return prefix[end] - prefix[start] if end > start else 0.0

    def arrays(self, start: int, end: int) -> dict[str, np.ndarray]:
        """Buckets ``start`` .. ``end - 1`` as numpy arrays, for refitting."""
        start = max(0, start)
        return {
            "counts": np.asarray(self.counts[start:end], dtype=np.float64),
            "negative": np.asarray(self.negative[start:end], dtype=np.float64),
            "expected": np.asarray(self.expected[start:end], dtype=np.float64),
            "clipped": np.asarray(self.clipped[start:end], dtype=np.float64),
            "rhythm_ok": np.asarray(self.rhythm_ok[start:end], dtype=bool),
            "share_ok": np.asarray(self.share_ok[start:end], dtype=bool),
        }
