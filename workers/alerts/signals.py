"""How unusual the latest window is, per trigger: a score, the figures behind it, and whether it alerts.

Every trigger sums the last 1, 2, 4 … buckets (up to a day) and keeps the most unusual window
that satisfies the sensitivity, so a one-bucket spike, a slow ramp and a quiet brand's handful of
mentions in an afternoon are each judged over the window that shows them best. A window is
scored only once it expects ``min_expected`` mentions: a brand at five a day never alerts on three.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from workers.alerts.baseline import Baseline
from workers.alerts.cusum import ShareCusum
from workers.alerts.stats import share_z_above
from workers.alerts.tuning import Sensitivity, Tuning


@dataclass
class Signal:
    """The most telling window ending at one bucket."""

    score: float  # robust z: above the band for spikes, below it (negative) for silence
    observed: float  # mentions in the window (negative mentions for negative triggers)
    expected: float
    scale: int  # buckets in the window
    opens: bool  # strong enough to open an incident
    holds: bool  # still outside the band (keeps an open incident open)
    total: float = 0.0  # all mentions in the window (negative triggers: the denominator of the share)
    usual_share: float = 0.0
    threshold: float = 0.0  # the score it had to reach to open (an opening signal always says; 0 when holding)

    def beats(self, other: Signal | None) -> bool:
        return other is None or (self.opens, self.holds, self.score) > (other.opens, other.holds, other.score)


@dataclass(frozen=True)
class Limits:
    """How long a trigger's windows may be at this bucket.

    Idle: back to ``reach`` buckets (never into the last incident). Open: only up to the
    incident's own window length, so the spike that opened it cannot keep it open once the
    latest buckets are back in the band.
    """

    reach: int
    hold_scale: int = 0

    @property
    def longest(self) -> int:
        return self.hold_scale or self.reach


def quietness(per_day: float, busy_from: float, t: Tuning) -> float:
    """How quiet a brand with ``per_day`` mentions a day is: 1 at ``quiet_full`` or fewer, 0 from ``busy_from``,
    in proportion to the log in between. A quiet brand's windows mostly expect too few mentions to be scored
    at all, so it has far fewer chances a day to score high by chance, and the same false alarms a year allow
    it a lower score."""
    if per_day >= busy_from:
        return 0.0
    return min(1.0, math.log(busy_from / max(per_day, 1e-9)) / math.log(busy_from / t.quiet_full))


def volume_threshold(per_day: float, s: Sensitivity, t: Tuning) -> float:
    """The score a volume window must reach to open at a brand with ``per_day`` mentions a day: the preset's,
    less up to ``quiet_relief`` (at ``quiet_full`` mentions a day or fewer, none from ``quiet_from``)."""
    return s.z - t.quiet_relief * quietness(per_day, t.quiet_from, t)


def silence_threshold(per_day: float, s: Sensitivity, t: Tuning) -> float:
    """The score ``silence``'s own reliefs are taken from: the preset's, less up to ``silence_quiet_relief``
    (none from ``silence_quiet_from`` mentions a day)."""
    return s.z - t.silence_quiet_relief * quietness(per_day, t.silence_quiet_from, t)


def volume(b: Baseline, i: int, s: Sensitivity, t: Tuning, limits: Limits, threshold: float) -> Signal | None:
    """More mentions than expected: idle, the strongest window that opens (scoring ``threshold``,
    ``volume_threshold``); open, the one that holds."""
    h, end = b.history, i + 1
    p_count, p_expected = h.p_count, h.p_expected
    _, mentions = b.level(i)
    extra = 1.0 / (mentions + 1.0)
    holding = limits.hold_scale > 0
    ratio = s.holding_ratio if holding else s.ratio
    floor = 0 if holding else s.min_count
    best: Signal | None = None
    for k, scale in enumerate(b.scales):
        if scale > limits.longest or scale > end:
            break
        expected = p_expected[end] - p_expected[end - scale]
        observed = p_count[end] - p_count[end - scale]
        if expected < t.min_expected or observed < ratio * expected or observed < floor:
            continue
        z = b.spread[k].above(observed, expected, extra)
        if z < (t.keep_z if holding else threshold) or (best is not None and z <= best.score):
            continue
        best = Signal(z, observed, expected, scale, z >= threshold and observed >= s.min_count, holding,
                      threshold=threshold)
    return best


def negative(b: Baseline, i: int, s: Sensitivity, t: Tuning, spike: Limits, share: Limits,
             runs: dict[str, ShareCusum] | None = None) -> tuple[Signal | None, Signal | None]:
    """``negative_spike`` (more negative mentions than expected, their share rising too) and
    ``negative_share`` (the share rising, whatever the volume), from one pass over the windows,
    or, idle, from each trigger's share CUSUM in ``runs`` (a lasting rise too gentle for any one window)."""
    h, end = b.history, i + 1
    p_count, p_negative, p_expected = h.p_count, h.p_negative, h.p_expected
    usual, mentions = b.share(i)
    doubt = 1.0 / (mentions + 1.0)
    best_spike: Signal | None = None
    best_share: Signal | None = None
    alarm = runs is not None and runs["negative_spike"].alarm()
    for k, scale in enumerate(b.scales):
        if scale > end or (scale > spike.longest and scale > share.longest):
            break
        total = p_count[end] - p_count[end - scale]
        hits = p_negative[end] - p_negative[end - scale]
        if total <= 0 or (hits / total - usual < (0.0 if spike.hold_scale or share.hold_scale else s.share_gain)):
            continue
        if hits < s.min_count and not (spike.hold_scale or share.hold_scale):
            continue
        z_share = share_z_above(hits, total, usual, b.rho[k] + doubt)
        if scale <= share.longest and total >= t.share_min_mentions:
            candidate = _share(s, t, share, z_share, hits, total, usual, scale)
            if candidate is not None and candidate.beats(best_share):
                best_share = candidate
        expected = (p_expected[end] - p_expected[end - scale]) * usual
        if scale <= spike.longest and expected > 0 and total >= t.share_min_mentions:
            z = b.spread_negative[k].above(hits, expected, doubt / max(usual, 1e-3))
            candidate = _spike(s, t, spike, z, z_share, hits, expected, total, usual, scale, alarm)
            if candidate is not None and candidate.beats(best_spike):
                best_spike = candidate
    if runs is not None:
        by_spike = _by_run(b, i, s, t, runs["negative_spike"], spike, count_too=True)
        by_share = _by_run(b, i, s, t, runs["negative_share"], share, count_too=False)
        best_spike = by_spike if by_spike is not None and by_spike.beats(best_spike) else best_spike
        best_share = by_share if by_share is not None and by_share.beats(best_share) else best_share
    return best_spike, best_share


def _by_run(b: Baseline, i: int, s: Sensitivity, t: Tuning, run: ShareCusum, limits: Limits,
            count_too: bool) -> Signal | None:
    """The CUSUM's alarming run (from ``run.over_start`` to ``i``) opens an idle trigger when its share rose by the
    preset's gain over at least ``min_count`` negative mentions (and, ``count_too``, the negative count rose)."""
    if not run.alarm() or limits.hold_scale:
        return None
    h, end = b.history, i + 1
    usual, mentions = b.share(i)
    first = max(run.over_start, end - limits.reach)
    total, hits = h.window(h.p_count, first, end), h.window(h.p_negative, first, end)
    if total <= 0 or not _gain_ok(s, hits, total, usual):
        return None
    expected = h.window(h.p_expected, first, end) * usual
    k = max(j for j, scale in enumerate(b.scales) if scale <= end - first or j == 0)
    if count_too and not _count_rose(b.spread_negative[k].above(hits, expected, 1.0 / (mentions + 1.0) / max(usual, 1e-3)),
                                     hits, expected, s, t):
        return None
    return Signal(run.score(), hits, expected if count_too else total * usual, end - first, True, False, total, usual,
                  threshold=s.z)


def _count_rose(z: float, hits: float, expected: float, s: Sensitivity, t: Tuning) -> bool:
    """The negative count of a run the share's CUSUM alarms on rose too: it scores ``share_z``, or ``run_count_z``
    where it also rose by the preset's ratio. The CUSUM has already judged the share's rise unlikely; a mid
    brand's count over a few hours is too small to score 3 on its own even when it doubled."""
    return z >= t.share_z or (z >= t.run_count_z and hits >= s.ratio * expected)


def _gain_ok(s: Sensitivity, hits: float, total: float, usual: float) -> bool:
    return hits >= s.min_count and hits / total - usual >= s.share_gain


def _share(s: Sensitivity, t: Tuning, limits: Limits, z_share: float, hits: float, total: float, usual: float,
           scale: int) -> Signal | None:
    if limits.hold_scale:
        return Signal(z_share, hits, total * usual, scale, False, True, total, usual) if z_share >= t.keep_z else None
    if z_share >= s.z and _gain_ok(s, hits, total, usual):
        return Signal(z_share, hits, total * usual, scale, True, False, total, usual, threshold=s.z)
    return None


def _spike(s: Sensitivity, t: Tuning, limits: Limits, z: float, z_share: float, hits: float, expected: float,
           total: float, usual: float, scale: int, alarm: bool = False) -> Signal | None:
    if limits.hold_scale:
        holds = z >= t.keep_z and z_share >= t.keep_z
        return Signal(z, hits, expected, scale, False, True, total, usual) if holds else None
    # the share leaps and the count rises (less far when the share's CUSUM alarms too: a busy brand's volume wanders;
    # any rise when the share leaps past the threshold by share_leap: the volume's wandering hid the count's)
    by_share = z_share >= s.z and (z >= (t.share_z_alarm if alarm else t.share_z)
                                   or (z_share >= s.z + t.share_leap and hits > expected))
    by_count = z >= s.z and hits >= s.ratio * expected and z_share >= s.z - t.count_share_relief
    # a quiet brand's hour of complaints: too few mentions for the share to reach the threshold, a count far past it
    by_leap = expected < 1.0 and z >= 2 * s.z and hits >= t.leap * s.ratio * expected and z_share >= t.share_z
    if (by_count or by_share or by_leap) and _gain_ok(s, hits, total, usual):
        return Signal(max(z, z_share) if by_share else z, hits, expected, scale, True, False, total, usual,
                      threshold=s.z if by_count or by_share else 2 * s.z)
    return None


def silence(b: Baseline, i: int, t: Tuning, quiet_from: int, lull: float, threshold: float) -> Signal | None:
    """Nothing (or next to nothing) since bucket ``quiet_from`` although mentions were expected: on the score
    alone, or on a weaker one once the run expected well more than ``lull``, this brand's longest ordinary
    lull of the last weeks (``lulls``). ``threshold`` (``silence_threshold``) is the score the reliefs are
    taken from."""
    h = b.history
    if quiet_from > i:
        return None
    expected = h.window(h.p_expected, quiet_from, i + 1)
    observed = h.window(h.p_count, quiet_from, i + 1)
    length = i + 1 - quiet_from
    k = max(j for j, scale in enumerate(b.scales) if scale <= length or j == 0)
    _, mentions = b.level(i)
    z = b.spread[k].absent(observed, expected, 1.0 / (mentions + 1.0))
    long_enough = length * b.step >= 60 * t.silence_min_minutes or -z >= threshold + t.silence_quick
    strong_at = threshold - t.silence_relief
    lull_at = strong_at - t.lull_relief
    strong = -z >= strong_at and expected >= t.silence_min_expected
    past_lulls = expected >= max(t.lull_factor * lull, t.lull_min_expected) and -z >= lull_at
    opens = long_enough and (strong or past_lulls)
    return Signal(z, observed, expected, length, opens, -z >= t.keep_z,
                  threshold=lull_at if past_lulls and not strong else strong_at)
