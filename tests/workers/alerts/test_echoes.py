"""A busy brand's news comes in waves: after a volume incident, a smaller burst within a day is its echo and
opens nothing, a bigger one is news and opens an incident above the first one's peak, and the same burst a
day later opens one as usual. A quiet brand's second burst is its own news."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from workers.alerts.engine import detect
from workers.alerts.incidents import Incident
from workers.alerts.tuning import DEFAULT_TUNING, Tuning

from .conftest import DAY, Maker

NO_ECHO = Tuning(echo_hours=0)


def volume_incidents(make_series: Maker, per_day: float, step: int, first: float, second: float, hours: float,
                     seed: int, tuning: Tuning = DEFAULT_TUNING) -> list[Incident]:
    """Volume incidents from day 20 on, with a burst of ``first`` extra mentions in one bucket on day 21 at
    10:00 and, ``hours`` later, one of ``second``; ``opened`` counts buckets from the first burst."""
    per = DAY // step
    at = 21 * per + 10 * 3600 // step
    later = at + int(hours * 3600) // step

    def bursts(rate: np.ndarray) -> None:
        rate[at] += first
        rate[later] += second

    found = detect(make_series(per_day, 35, step=step, seed=seed, edit=bursts), tuning=tuning)
    return [replace(i, opened=i.opened - at) for i in found.incidents["volume_spike"] if i.opened >= 20 * per]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_busy_brands_smaller_second_burst_the_same_day_opens_nothing(make_series: Maker, seed: int) -> None:
    echoed = volume_incidents(make_series, 2000, 300, 600, 250, 6, seed)
    assert [i.opened for i in echoed] == [0]
    unechoed = volume_incidents(make_series, 2000, 300, 600, 250, 6, seed, NO_ECHO)
    assert [i.opened for i in unechoed] == [0, 72]  # without the echo's bar it is an incident of its own


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_bigger_second_burst_opens_one_above_the_first_ones_peak(make_series: Maker, seed: int) -> None:
    first, second = volume_incidents(make_series, 2000, 300, 600, 1500, 6, seed)
    assert second.opened == 72
    assert second.threshold == pytest.approx(first.peak_score)  # "raised at": the bar it had to beat
    assert first.threshold < second.threshold
    assert (first.bar, second.bar) == (None, "echo")  # what raised the second one's bar, for the page and emails


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_same_burst_a_day_later_opens_one(make_series: Maker, seed: int) -> None:
    assert [i.opened for i in volume_incidents(make_series, 2000, 300, 600, 250, 30, seed)] == [0, 360]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_quiet_brands_second_burst_is_its_own_news(make_series: Maker, seed: int) -> None:
    incidents = volume_incidents(make_series, 120, 3600, 45, 32, 6, seed)
    assert [i.opened for i in incidents] == [0, 6]
    assert incidents[1].peak_score < incidents[0].peak_score  # smaller, and raised all the same
