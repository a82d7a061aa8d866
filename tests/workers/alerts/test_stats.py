"""Scores and dispersion: tail accuracy against exact probabilities, robustness to spikes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from workers.alerts.stats import (
    Spread,
    count_z_above,
    count_z_below,
    dispersion,
    share_dispersion,
    share_z_above,
)


def _poisson_upper(count: int, mu: float) -> float:
    return 1.0 - sum(math.exp(-mu) * mu**j / math.factorial(j) for j in range(count))


def _z_of(p: float) -> float:
    """Standard normal quantile of 1 - p, by bisection on erfc."""
    lo, hi = 0.0, 40.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if 0.5 * math.erfc(mid / math.sqrt(2)) > p else (lo, mid)
    return lo


@pytest.mark.parametrize("count,mu", [(3, 0.2), (6, 1.0), (12, 4.0), (30, 12.0), (140, 100.0)])
def test_poisson_score_matches_the_exact_tail(count: int, mu: float) -> None:
    exact = _z_of(_poisson_upper(count, mu))
    assert count_z_above(count, mu, 0.0) == pytest.approx(exact, abs=0.25)


def test_scores_are_zero_on_the_wrong_side_and_grow_with_the_gap() -> None:
    assert count_z_above(5, 5.0, 0.1) == 0.0
    assert count_z_below(5, 5.0, 0.1) == 0.0
    assert 0 < count_z_above(9, 5.0, 0.1) < count_z_above(15, 5.0, 0.1)
    assert count_z_below(0, 40.0, 0.1) < count_z_below(10, 40.0, 0.1) < 0
    assert count_z_above(1, 0.0, 0.1) == math.inf


def test_dispersion_and_clumping_widen_the_band() -> None:
    assert count_z_above(150, 100.0, 0.0) > count_z_above(150, 100.0, 0.05) > count_z_above(150, 100.0, 0.2)
    assert Spread(1.0, 0.05).sd(100.0) == pytest.approx(math.sqrt(100 + 0.05 * 100**2))
    assert Spread(2.0, 0.05).sd(100.0, 0.01) == pytest.approx(math.sqrt(200 + 0.06 * 100**2))
    clumpy, plain = Spread(3.0, 0.0), Spread(1.0, 0.0)
    assert clumpy.above(9, 2.0) < plain.above(9, 2.0)  # 9 mentions in 3 clumps are less surprising
    assert clumpy.below(0, 30.0) > plain.below(0, 30.0)


def test_lower_tail_of_few_counts_is_exact() -> None:
    assert count_z_below(0, 18.0, 0.0) == pytest.approx(-_z_of(math.exp(-18.0)), abs=0.01)
    p3 = sum(math.exp(-5.0) * 5.0**j / math.factorial(j) for j in range(2))
    assert count_z_below(1, 5.0, 0.0) == pytest.approx(-_z_of(p3), abs=0.01)


def test_share_score_sees_a_leap_in_a_steady_stream() -> None:
    assert share_z_above(25, 100, 0.25, 0.0) == 0.0
    leap = share_z_above(60, 100, 0.25, 0.0)
    assert leap > 6
    assert share_z_above(60, 100, 0.25, 0.05) < leap  # over-dispersed shares need more


@pytest.mark.parametrize("phi", [0.0, 0.05, 0.3])
def test_dispersion_recovers_the_truth(phi: float) -> None:
    rng = np.random.default_rng(7)
    mu = rng.uniform(3, 300, 4000)
    rate = mu * (rng.gamma(1 / phi, phi, mu.size) if phi else 1.0)
    estimate = dispersion(rng.poisson(rate).astype(float), mu)
    assert estimate is not None and estimate.phi == pytest.approx(phi, abs=0.02 + 0.15 * phi)
    assert estimate.theta == pytest.approx(1.0, abs=0.3)


def test_dispersion_of_sparse_poisson_counts_is_plain_poisson() -> None:
    rng = np.random.default_rng(3)
    mu = np.full(3000, 0.8)
    estimate = dispersion(rng.poisson(mu).astype(float), mu, floor=0.03)
    assert estimate is not None and estimate.phi == 0.03 and estimate.theta < 1.15


def test_clumped_mentions_of_a_quiet_brand_are_read_as_clumps() -> None:
    rng = np.random.default_rng(8)
    mu = np.full(3000, 1.5)
    counts = 3.0 * rng.poisson(mu / 3)  # threads of three
    estimate = dispersion(counts, mu, floor=0.03)
    assert estimate is not None and estimate.theta == pytest.approx(3.0, abs=0.4) and estimate.phi == 0.03


def test_a_few_spikes_barely_move_the_dispersion() -> None:
    rng = np.random.default_rng(5)
    mu = rng.uniform(20, 60, 2000)
    counts = rng.poisson(mu).astype(float)
    clean = dispersion(counts, mu)
    counts[::100] *= 10  # 1 % of buckets are huge spikes
    spiky = dispersion(counts, mu)
    assert clean is not None and spiky is not None and spiky.phi - clean.phi < 0.02
    assert spiky.theta - clean.theta < 0.3
    assert dispersion(counts[:5], mu[:5]) is None


def test_share_dispersion_recovers_beta_binomial_noise() -> None:
    rng = np.random.default_rng(11)
    totals = rng.integers(20, 200, 3000)
    p = rng.beta(0.3 * 30, 0.7 * 30, totals.size)  # rho = 1 / 31
    hits = rng.binomial(totals, p)
    rho = share_dispersion(hits.astype(float), totals.astype(float), 0.3)
    assert rho is not None and rho == pytest.approx(1 / 31, abs=0.012)
