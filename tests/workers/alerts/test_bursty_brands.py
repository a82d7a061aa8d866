"""A brand whose mentions come in bursts most days (retweet storms) sets its own bar: its usual bursts stop
raising incidents, a burst bigger than its usual ones still raises one, and a brand without such bursts
never meets a bar once it is two weeks old. Until then every brand is young, and its first bursts only
raise an incident past the highest daily peak it has shown so far."""

from __future__ import annotations

import math

import numpy as np
import pytest

from workers.alerts.engine import Tracker, detect
from workers.alerts.peaks import DailyPeaks
from workers.alerts.series import Series
from workers.alerts.tuning import DEFAULT_TUNING, Tuning

from .conftest import DAY, NO_BAR, Maker

STEP = 300
PER_DAY = DAY // STEP
YOUNG_ONLY = Tuning(peak_gate=math.inf, echo_hours=0)  # the young brand's bar, never the bursty brand's (nor echoes')


def with_bursts(make_series: Maker, seed: int, big_at: int | None = None) -> Series:
    """About 2,000 mentions a day (7 a bucket at midday) and, every day from the second, two or three
    5-minute bursts of 60-250 mentions; ``big_at``: a bucket with a burst of 1,500."""
    rng = np.random.default_rng(seed + 1000)

    def bursts(rate: np.ndarray) -> None:
        for day in range(1, len(rate) // PER_DAY):
            for at in rng.choice(PER_DAY, size=int(rng.integers(2, 4)), replace=False):
                rate[day * PER_DAY + at] += rng.uniform(60, 250)
        if big_at is not None:
            rate[big_at] += 1500

    return make_series(2000, 35, step=STEP, seed=seed, edit=bursts)


def opened_after(series: Series, day: int, tuning: Tuning = DEFAULT_TUNING) -> list[int]:
    return [i.opened for i in detect(series, tuning=tuning).incidents["volume_spike"] if i.opened >= day * PER_DAY]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_brands_usual_bursts_stop_raising_incidents(make_series: Maker, seed: int) -> None:
    series = with_bursts(make_series, seed)
    without_bar = opened_after(series, 7, NO_BAR)
    assert len(without_bar) >= 20  # the preset's threshold alone: an incident a day or more
    assert len(opened_after(series, 7)) <= len(without_bar) // 5


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_burst_bigger_than_the_brands_usual_ones_still_raises_one(make_series: Maker, seed: int) -> None:
    big = 30 * PER_DAY + PER_DAY // 2
    found = detect(with_bursts(make_series, seed, big_at=big))
    [incident] = [i for i in found.incidents["volume_spike"] if i.opened == big]
    assert incident.threshold > 2 * DEFAULT_TUNING.peak_gate  # raised above the bar its bursts set
    assert incident.bar in ("bursty", "echo")  # its usual days' bar, or a bigger one from an incident that day
    lower, upper = found.tracker.band(big)[1:]
    assert upper > 60  # the band shown around the bucket is as wide as the bar


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_young_brands_first_bursts_raise_an_incident_only_past_its_highest_day_so_far(make_series: Maker,
                                                                                        seed: int) -> None:
    series = with_bursts(make_series, seed)
    young = DEFAULT_TUNING.young_days * PER_DAY
    unbarred = [i for i in opened_after(series, 0, NO_BAR) if i < young]
    barred = [i for i in opened_after(series, 0, YOUNG_ONLY) if i < young]
    raised = [i for i in detect(series, tuning=YOUNG_ONLY).incidents["volume_spike"] if i.opened < young]
    assert raised and all(i.bar == ("young" if i.threshold > DEFAULT_TUNING.peak_gate + 0.5 else None) for i in raised)
    assert len(unbarred) >= 10  # from the end of the warm-up, most days
    assert len(barred) <= len(unbarred) // 2
    tracker, seen = Tracker(series.start, series.step, series.tz, tuning=YOUNG_ONLY, negative=False), {}
    for count in series.counts.tolist():
        tracker.step(count)
        seen.update(tracker.peaks.peaks)
    for day in range(2, int(DEFAULT_TUNING.young_days)):  # the highest of the days before (day 0 is not kept)
        assert tracker.bars[day * PER_DAY] == pytest.approx(max(seen[d] for d in range(1, day)))
    assert not any(tracker.bars[int(young):])  # two weeks old: the gate decides, and it is shut here


def test_a_brand_without_bursts_never_meets_a_bar(make_series: Maker) -> None:
    def campaign(rate: np.ndarray) -> None:
        rate[21 * DAY // 900 + 40:21 * DAY // 900 + 52] *= 4

    series = make_series(3000, 35, step=900, edit=campaign)
    found = detect(series)
    young = int(DEFAULT_TUNING.young_days) * DAY // 900
    assert not any(found.tracker.bars[young:])
    assert max(found.tracker.bars[:young]) < DEFAULT_TUNING.peak_gate  # its young days peak under any preset
    assert [i.opened for i in found.incidents["volume_spike"]] == \
        [i.opened for i in detect(series, tuning=NO_BAR).incidents["volume_spike"]]
    assert found.incidents["volume_spike"]  # the campaign itself is raised


def test_a_young_brands_bar_is_its_highest_daily_peak_so_far() -> None:
    peaks = DailyPeaks(10, DEFAULT_TUNING)  # ten buckets a day
    assert peaks.bar(5) == 0.0  # nothing known
    for day, score in enumerate([2.0, 3.5, 2.5], start=1):
        peaks.add(day * 10 + 4, score)
    assert peaks.bar(40) == 3.5  # the gate does not matter while young
    peaks.add(45, 9.0)
    assert peaks.bar(49) == 3.5  # today's peak is not part of today's bar
    assert peaks.bar(50) == 9.0
    for day in range(5, 14):
        peaks.add(day * 10, 2.0)
    assert peaks.bar(139) == 9.0
    assert peaks.bar(140) == 0.0  # two weeks old, most days under the gate: no bar


def test_the_bar_is_the_third_highest_daily_peak_of_the_last_days_once_most_days_peak_past_the_gate() -> None:
    peaks = DailyPeaks(10, Tuning(young_days=0))  # ten buckets a day; the young brand's bar is tested above
    for day, score in enumerate([9.0, 3.0, 12.0]):
        peaks.add(day * 10 + 4, score)
    assert peaks.bar(30) == 3.0  # three days known, median 9.0 past the gate
    peaks.add(30, 50.0)
    assert peaks.bar(39) == 3.0  # today's peak is not part of today's bar
    for day, score in enumerate([2.0, 3.0, 3.5, 2.5], start=4):
        peaks.add(day * 10, score)
    assert peaks.bar(80) == 0.0  # most of the last days peak under the gate: no bar
    for day in range(8, 8 + 20):
        peaks.add(day * 10, 6.0 + day / 100)
    assert peaks.bar(28 * 10) == pytest.approx(6.25)  # 14 days back only: the 50 and the early days are gone
    assert DailyPeaks(10, DEFAULT_TUNING).bar(5) == 0.0
