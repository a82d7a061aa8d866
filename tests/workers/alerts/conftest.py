"""Series of mention counts shaped like a brand's, built bucket by bucket for detector tests."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone

import numpy as np
import pytest

from workers.alerts.series import Series, local_clock
from workers.alerts.tuning import Tuning

START = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday
DAY = 86400

Maker = Callable[..., Series]
NO_BAR = Tuning(peak_gate=math.inf, young_days=0, echo_hours=0)  # no volume bar of a brand's own: the preset's alone


def _shape(start: datetime, step: int, length: int, tz: str) -> np.ndarray:
    hours, weekdays = local_clock(start, step, length, tz)
    return (0.3 + np.exp(-0.5 * ((hours - 14) / 3.5) ** 2)) * np.where(weekdays >= 5, 0.6, 1.0)


_WEEK_MEAN = float(_shape(START, 900, 7 * 96, "UTC").mean())


def rhythm(step: int, length: int, tz: str = "UTC", start: datetime = START) -> np.ndarray:
    """A daily curve (quiet nights, busy afternoons) and quieter weekends, mean 1 over a week."""
    return _shape(start, step, length, tz) / _WEEK_MEAN


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


NOW = datetime(2026, 3, 20, 12, 7, tzinfo=timezone.utc)  # a Friday, 7 minutes into a 15-minute bucket


def mentions_between(start: datetime, end: datetime, per_day: float, *, brand: str = "acme", seed: int = 1,
                     prefix: str = "h", source_name: str = "news", negative_share: float = 0.2,
                     words: str = "news about the plan") -> list:  # type: ignore[type-arg]
    """Stored mentions of ``brand`` published over [start, end) at ``per_day`` a day (a daily rhythm)."""
    from datetime import timedelta

    from earful.models import Mention, Sentiment

    rng = np.random.default_rng(seed)
    out = []
    step = 900
    slots = int((end - start).total_seconds() // step)
    shape = rhythm(step, slots, start=start)
    for k in range(slots):
        for _ in range(int(rng.poisson(per_day * step / DAY * shape[k]))):
            when = start + timedelta(seconds=k * step + int(rng.integers(0, step)))
            negative = bool(rng.random() < negative_share)
            n = len(out)
            out.append(Mention(id=f"{prefix}{seed}-{brand}-{n}", source="feed", source_name=source_name,
                               title=f"{brand} {words}", text=f"{brand} {words} {n}", published_at=when,
                               brands=[brand], content_hash=f"{prefix}{seed}-{brand}-{n}",
                               sentiment=Sentiment(score=-0.6 if negative else 0.4,
                                                   label="negative" if negative else "positive")))
    return out


def burst(at: datetime, count: int, *, brand: str = "acme", prefix: str = "s", negative: bool = True,
          words: str = "outage refund angry") -> list:  # type: ignore[type-arg]
    """``count`` mentions published within five minutes after ``at``."""
    from datetime import timedelta

    from earful.models import Mention, Sentiment

    return [Mention(id=f"{prefix}-{brand}-{at:%d%H%M}-{i}", source="feed", source_name="news", title=f"{brand} {words}",
                    text=f"{brand} {words} number {i}", published_at=at + timedelta(seconds=i * 300 // count),
                    brands=[brand], content_hash=f"{prefix}-{brand}-{at:%d%H%M}-{i}",
                    sentiment=Sentiment(score=-0.7 if negative else 0.5, label="negative" if negative else "positive"))
            for i in range(count)]


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
