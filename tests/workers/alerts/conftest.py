"""Series of mention counts shaped like a brand's, built bucket by bucket for detector tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import numpy as np
import pytest

from workers.alerts.series import Series, local_clock

START = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday
DAY = 86400

Maker = Callable[..., Series]


def rhythm(step: int, length: int, tz: str = "UTC") -> np.ndarray:
    """A daily curve (quiet nights, busy afternoons) and quieter weekends, mean 1."""
    hours, weekdays = local_clock(START, step, length, tz)
    daily = 0.3 + np.exp(-0.5 * ((hours - 14) / 3.5) ** 2)
    shape = daily * np.where(weekdays >= 5, 0.6, 1.0)
    return shape / shape.mean()


@pytest.fixture
def make_series() -> Maker:
    """``make_series(per_day, days, step=3600, seed=1, share=0.2, tz="UTC", dispersion=0.05)``: expected
    rates and over-dispersed counts (gamma-Poisson), plus the rates so a test can add events to them."""

    def build(per_day: float, days: int, step: int = 3600, seed: int = 1, share: float = 0.2, tz: str = "UTC",
              dispersion: float = 0.05, edit: Callable[[np.ndarray], None] | None = None,
              negative_share: Callable[[np.ndarray], None] | None = None) -> Series:
        rng = np.random.default_rng(seed)
        length = days * DAY // step
        rate = per_day * step / DAY * rhythm(step, length, tz)
        if edit is not None:
            edit(rate)
        k = 1 / dispersion
        counts = rng.poisson(rate * rng.gamma(k, 1 / k, length))
        shares = np.full(length, share)
        if negative_share is not None:
            negative_share(shares)
        return Series.build(START, step, counts, rng.binomial(counts, shares), tz)

    return build
