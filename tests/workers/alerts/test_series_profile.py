"""Series validation, the local clock across daylight saving, and the learnt weekly rhythm."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from workers.alerts.profile import Profile, fit_profile
from workers.alerts.series import Series, SeriesError, local_clock, parse_interval

from .conftest import START, rhythm


def test_intervals() -> None:
    assert parse_interval("5m") == 300 and parse_interval("1h") == 3600 and parse_interval(900) == 900
    for bad in ("7m", "banana", "5s", True):
        with pytest.raises(SeriesError):
            parse_interval(bad)


def test_build_validates_and_clips() -> None:
    series = Series.build(START, 3600, [3, -1, 2.6], [5, 0, 1])
    assert series.counts.tolist() == [3, 0, 3] and series.negative is not None
    assert series.negative.tolist() == [3, 0, 1]  # never more negative mentions than mentions
    assert series.time(2) == datetime(2026, 1, 5, 2, tzinfo=timezone.utc) and series.index_at(series.time(2)) == 2
    assert len(series.cut(2)) == 2
    with pytest.raises(SeriesError, match="negative has 2 buckets"):
        Series.build(START, 3600, [1, 2, 3], [1, 2])
    with pytest.raises(SeriesError, match="time zone"):
        Series.build(START, 3600, [1], tz="Mars/Olympus")
    with pytest.raises(SeriesError, match="numbers"):
        Series.build(START, 3600, [1, float("nan")])


def test_local_clock_follows_daylight_saving() -> None:
    before = datetime(2026, 3, 28, 11, 0, tzinfo=timezone.utc)  # Berlin is UTC+1 until 29 March 02:00
    hours, weekdays = local_clock(before, 86400, 2, "Europe/Berlin")
    # bucket centres at 23:00 UTC: Sunday 00:00 in Berlin, then (UTC+2) Monday 01:00
    assert hours.tolist() == [pytest.approx(0.0), pytest.approx(1.0)]
    assert weekdays.tolist() == [6, 0]


def test_profile_recovers_the_rhythm_of_a_busy_brand() -> None:
    step, length = 900, 28 * 96
    truth = rhythm(step, length, "America/New_York")
    counts = np.random.default_rng(2).poisson(20 * truth).astype(float)
    hours, weekdays = local_clock(START, step, length, "America/New_York")
    learnt = fit_profile(counts, np.ones(length, dtype=bool), hours, weekdays, 96).at(hours, weekdays, step)
    assert np.corrcoef(learnt, truth)[0, 1] > 0.97
    assert learnt.mean() == pytest.approx(1.0, abs=0.05)


def test_profile_of_a_quiet_brand_stays_nearly_flat_and_ignores_excluded_buckets() -> None:
    step, length = 3600, 28 * 24
    hours, weekdays = local_clock(START, step, length, "UTC")
    sparse = np.random.default_rng(4).poisson(0.15, length).astype(float)
    flat = fit_profile(sparse, np.ones(length, dtype=bool), hours, weekdays, 24)
    assert flat.table.max() / flat.table.min() < 2.5
    spiked = sparse.copy()
    spiked[100:110] = 500
    usable = np.ones(length, dtype=bool)
    usable[100:110] = False
    assert np.allclose(fit_profile(spiked, usable, hours, weekdays, 24).table,
                       fit_profile(sparse, usable, hours, weekdays, 24).table)
    assert np.allclose(Profile.flat().at(hours[:5], weekdays[:5], step), 1.0)
