"""Count statistics for alerts: robust z-scores for counts and shares, and dispersion estimated from history.

Counts are scored against a negative binomial (a Poisson whose rate wanders: variance
``mu + phi * mu**2``), shares against a beta-binomial (variance inflated by ``1 + (n - 1) * rho``).
A score is the signed square root of the deviance with a continuity correction: it reads like a
z-score (4 is about a one-in-30 000 event) and stays accurate far into the tail and for counts of
0-5, where mean/standard-deviation scores are useless.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

MEDIAN_ABS_Z = 0.6745  # the median of |z| for a standard normal
TAIL = (0.95, 1.96)  # and its 95th percentile
TRIM = 0.02  # share of the most extreme past counts left out of the variance ...
TRIMMED_MEAN = 0.874  # ... and what that leaves of a normal's variance: E[z² | z² below its 98th percentile]
EXACT_BELOW = 10  # lower tails of counts up to this are summed exactly
CLUMPY_BELOW = 10.0  # below this many expected mentions, extra variance is read as clumping, above as wandering
THREAD = 3.0  # the largest clump a silence is judged with (a reply thread); a wider spread is wandering
_NORMAL = NormalDist()


def _nb_deviance(y: float, mu: float, phi: float) -> float:
    own = y * math.log(y / mu) if y > 0 else 0.0
    if phi < 1e-9:
        return 2.0 * (own - (y - mu))
    k = 1.0 / phi
    return 2.0 * (own - (y + k) * math.log1p((y - mu) / (mu + k)))


def count_z_above(observed: float, expected: float, phi: float) -> float:
    """How far ``observed`` lies above ``expected`` (0 when it does not)."""
    if expected <= 0:
        return math.inf if observed >= 1 else 0.0
    y = observed - 0.5
    if y <= expected:
        return 0.0
    return math.sqrt(max(_nb_deviance(y, expected, phi), 0.0))


def count_z_below(observed: float, expected: float, phi: float) -> float:
    """How far ``observed`` lies below ``expected``, as a negative number (0 when it does not).

    A handful of mentions (or none) where many were expected is scored from the exact probability
    of so few: the continuity-corrected deviance is too timid there, and that is silence's case.
    """
    y = observed + 0.5
    if expected <= 0 or y >= expected:
        return 0.0
    if observed <= EXACT_BELOW:
        return -_z_of_tail(_nb_cdf(int(observed), expected, phi))
    return -math.sqrt(max(_nb_deviance(y, expected, phi), 0.0))


def _nb_cdf(count: int, mu: float, phi: float) -> float:
    """P(X <= count) for a negative binomial of mean ``mu`` (Poisson when ``phi`` is 0)."""
    if phi < 1e-9:
        log_p0, log_ratio, k = -mu, math.log(mu), None
    else:
        k = 1.0 / phi
        log_p0, log_ratio = -k * math.log1p(mu / k), math.log(mu / (mu + k))
    total, log_term = 0.0, log_p0
    for j in range(count + 1):
        if j:
            log_term += log_ratio + (math.log(j - 1 + k) if k is not None else 0.0) - math.log(j)
        total += math.exp(log_term)
    return min(total, 1.0)


def _z_of_tail(p: float) -> float:
    """The z whose upper tail has probability ``p``."""
    return -_NORMAL.inv_cdf(min(max(p, 1e-300), 0.5))


def share_z_above(hits: float, total: float, share: float, rho: float) -> float:
    """How far ``hits`` of ``total`` lies above the usual ``share`` (0 when it does not)."""
    if total <= 0 or share <= 0:
        return 0.0
    share = min(share, 1 - 1e-9)
    y = hits - 0.5
    if y <= total * share:
        return 0.0
    rest = total - y
    deviance = y * math.log(y / (total * share))
    if rest > 0:
        deviance += rest * math.log(rest / (total * (1 - share)))
    return math.sqrt(max(2.0 * deviance, 0.0) / (1 + max(total - 1, 0) * rho))


@dataclass(frozen=True)
class Spread:
    """How widely counts wander around their expectation: variance ``theta * mu + phi * mu**2``.

    ``phi`` is the rate wandering (news cycles: it grows with volume); ``theta`` is mentions arriving
    in clumps (a thread, a repost wave: 3 at once mean less than 3 apart), which matters most for
    quiet brands. Scores treat counts as clumps of ``theta`` drawn from a negative binomial.
    """

    theta: float = 1.0
    phi: float = 0.1

    def above(self, observed: float, expected: float, extra: float = 0.0) -> float:
        return count_z_above(observed / self.theta, expected / self.theta, self.phi + extra)

    def below(self, observed: float, expected: float, extra: float = 0.0) -> float:
        return count_z_below(observed / self.theta, expected / self.theta, self.phi + extra)

    def absent(self, observed: float, expected: float, extra: float = 0.0) -> float:
        """``below`` for a run gone (nearly) quiet, with clumps no bigger than a reply thread (``THREAD``).

        Clumps of tens or hundreds of mentions, which a busy brand's fit finds when its spread grows in
        step with its count, are the rhythm's wandering, not threads: read as clumps, an hour with
        nothing would be as likely as a few of them failing to come. Beyond ``THREAD`` the same
        variance is read as wandering, which leaves an empty run of a busy brand improbable.
        """
        clump = min(self.theta, THREAD)
        wandering = self.phi + extra + (self.theta - clump) / max(expected, 1e-9)
        return count_z_below(observed / clump, expected / clump, wandering)

    def sd(self, expected: float, extra: float = 0.0) -> float:
        return math.sqrt(self.theta * expected + (self.phi + extra) * expected * expected)


def dispersion(observed: np.ndarray, expected: np.ndarray, floor: float = 0.0) -> Spread | None:
    """The spread of past counts around their expectations; None with too little data.

    A weighted least-squares fit of the squared errors to ``theta * mu + phi * mu**2`` over all but
    the 2 % most extreme counts (corrected for the trimming), so spikes that slipped into the history
    barely move it; then, where counts are large enough to be near normal, ``phi`` is raised if
    needed to put the 95th percentile of |z| where a normal's is, so heavy tails widen the band.
    """
    keep = expected >= 0.5
    if int(keep.sum()) < 12:
        return None
    mu, gap2 = expected[keep], (observed[keep] - expected[keep]) ** 2
    theta, phi = _variance_fit(mu, gap2, floor)
    standard = gap2 / (theta * mu + phi * mu * mu)
    core = standard <= _quantile(standard, 1 - TRIM)
    theta, phi = _variance_fit(mu[core], gap2[core] / TRIMMED_MEAN, floor)
    large = mu >= 10
    if int(large.sum()) >= 40:
        m = mu[large]
        phi = max(phi, _quantile((gap2[large] / TAIL[1] ** 2 - theta * m) / (m * m), TAIL[0]))
    return Spread(theta, max(phi, floor))


def _variance_fit(mu: np.ndarray, gap2: np.ndarray, floor: float) -> tuple[float, float]:
    """``theta >= 1`` and ``phi >= floor`` with ``gap2 ≈ theta * mu + phi * mu**2``, weighted by 1/variance²."""
    theta, phi = 1.0, max(floor, 0.05)
    if np.quantile(mu, 0.9) < 4 * np.quantile(mu, 0.1):  # too narrow a range to tell clumps from wandering:
        small = float(np.median(mu)) < CLUMPY_BELOW  # clumps at small counts, wandering at large ones
        w = 1.0 / (mu + phi * mu * mu) ** 2
        if small:
            return max(1.0, float((w * (gap2 - floor * mu * mu) * mu).sum() / (w * mu * mu).sum())), floor
        return 1.0, max(floor, float((w * (gap2 - mu) * mu * mu).sum() / (w * mu**4).sum()))
    for _ in range(3):
        w = 1.0 / (theta * mu + phi * mu * mu) ** 2
        a, b, c = (w * mu * mu).sum(), (w * mu**3).sum(), (w * mu**4).sum()
        y1, y2 = (w * gap2 * mu).sum(), (w * gap2 * mu * mu).sum()
        det = a * c - b * b
        theta, phi = ((c * y1 - b * y2) / det, (a * y2 - b * y1) / det) if det > 1e-12 * a * c else (theta, phi)
        if theta < 1.0:  # no clumping: fit phi alone
            theta, phi = 1.0, (y2 - b) / c
        if phi < floor:  # no wandering beyond the floor: fit theta alone
            phi = floor
            theta = max(1.0, (y1 - floor * b) / a)
    return float(theta), float(phi)


def _quantile(values: np.ndarray, q: float) -> float:
    """The ``q`` quantile (nearest rank): a partial sort, cheaper than ``np.quantile`` on every refit."""
    k = min(values.size - 1, int(q * values.size))
    return float(np.partition(values, k)[k])


def share_dispersion(hits: np.ndarray, totals: np.ndarray, share: float, min_total: float = 8.0) -> float | None:
    """The beta-binomial ``rho`` of past shares, estimated the same robust way; None with too little data."""
    keep = totals >= min_total
    if int(keep.sum()) < 12 or not 0 < share < 1:
        return None
    n = totals[keep]
    binomial = n * share * (1 - share)
    spread = (np.abs(hits[keep] - n * share) / MEDIAN_ABS_Z) ** 2
    return max(0.0, float(np.median((spread / binomial - 1) / (n - 1))))
