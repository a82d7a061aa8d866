"""Conclusive single buckets: a busy brand's empty bucket is a silence at once, a quiet brand's is not,
a bucket still filling is never called silent, and a busy brand's leap of mood is a negative spike at once."""

from __future__ import annotations

import numpy as np
import pytest

from workers.alerts.engine import Tracker, detect
from workers.alerts.series import Series
from workers.alerts.stats import Spread

from .conftest import DAY, Maker


def test_a_busy_brands_empty_five_minute_bucket_opens_silence_on_that_bucket(make_series: Maker) -> None:
    at = (21 * DAY + DAY // 2) // 300

    def broken(rate: np.ndarray) -> None:
        rate[at:at + 24] = 0

    found = detect(make_series(30000, 28, step=300, edit=broken))
    assert [incident.opened for incident in found.incidents["silence"]] == [at]
    assert found.incidents["volume_spike"] == []


def test_a_quieter_brands_empty_five_minute_bucket_waits_for_a_second_one(make_series: Maker) -> None:
    at = (21 * DAY + DAY // 2) // 300

    def broken(rate: np.ndarray) -> None:
        rate[at:at + 24] = 0

    found = detect(make_series(2500, 28, step=300, edit=broken))  # ~9 a bucket at midday: 0 is not conclusive
    assert [incident.opened for incident in found.incidents["silence"]] == [at + 1]


def test_a_bucket_still_filling_is_never_called_silent(make_series: Maker) -> None:
    series = make_series(3000, 21, step=900).cut(20 * 96 + 56)  # up to 14:00, the busiest time of day
    tracker = Tracker(series.start, series.step)
    for count in series.counts.tolist():
        tracker.step(count)
    typical = int(np.median(series.counts[-96:]))
    assert tracker.peek([(typical, 0), (0, 0)]).current["silence"] is None  # the current bucket just began
    opened = tracker.peek([(0, 0), (0, 0)]).current["silence"]  # a whole bucket passed without a mention
    assert opened is not None and opened.active and opened.opened == len(tracker)
    assert not tracker.incidents["silence"]  # peeking left nothing behind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_busy_brands_leap_of_mood_opens_a_negative_spike_on_its_first_bucket(make_series: Maker, seed: int) -> None:
    """20 000 mentions a day whose volume wanders widely (a quarter-hour's count is off by ±45 %): the share of
    negatives leaps from 0.2 to 0.6 while volume dips by 30 %. The negative count alone scores under the 3 a
    share spike needs of it, but the share's CUSUM alarms on the same bucket: opened on that bucket."""
    at = 21 * 96 + 50

    def dip(rate: np.ndarray) -> None:
        rate[at:at + 24] *= 0.7

    def leap(shares: np.ndarray) -> None:
        shares[at:at + 24] = 0.6

    found = detect(make_series(20000, 28, step=900, seed=seed, dispersion=0.2, edit=dip, negative_share=leap))
    assert [incident.opened for incident in found.incidents["negative_spike"]] == [at]
    assert found.incidents["volume_spike"] == [] and found.incidents["silence"] == []


def test_an_empty_run_is_judged_with_clumps_no_bigger_than_a_thread() -> None:
    """A busy brand's spread fitted as clumps of hundreds (it grows in step with the count) must not make an
    empty hour where 1 400 were expected look like two or three clumps failing to come."""
    wide = Spread(theta=566.0, phi=0.117)
    assert wide.below(0, 1400) > -1.5  # read as clumps: ordinary
    assert wide.absent(0, 1400) < -4.0  # read as wandering: a silence
    assert wide.absent(1400, 1400) == 0.0
    threads = Spread(theta=2.5, phi=0.05)  # a quiet brand's reply threads stay clumps
    assert threads.absent(0, 8) == threads.below(0, 8)



def _fall_and_leap(make_series: Maker, seed: int, at: int) -> Series:
    """3 000 mentions a day at hourly buckets whose hours wander by ±55 %; at ``at`` volume falls to a third
    and the negative share leaps from 0.15 to 0.85 for six hours."""

    def fall(rate: np.ndarray) -> None:
        rate[at] *= 0.35

    def leap(shares: np.ndarray) -> None:
        shares[at:at + 6] = 0.85

    return make_series(3000, 28, seed=seed, share=0.15, dispersion=0.3, edit=fall, negative_share=leap)


@pytest.mark.parametrize("seed", [2, 7])
def test_a_share_that_leaps_far_opens_a_negative_spike_on_its_bucket_though_volume_fell(make_series: Maker,
                                                                                          seed: int) -> None:
    """The hour's negative count is over its expectation but scores under the 3 a share spike asks of it (its
    volume fell); the share scores far past the threshold: a negative spike on that hour, not the next."""
    at = 21 * 24 + 14
    series = _fall_and_leap(make_series, seed, at)
    found = detect(series)
    assert [incident.opened for incident in found.incidents["negative_spike"]] == [at]
    spike = found.incidents["negative_spike"][0]
    assert spike.observed / spike.total > 0.5 > 0.2 > spike.usual_share
    assert found.incidents["volume_spike"] == []


@pytest.mark.parametrize("seed", [4, 8])
def test_a_share_that_leaps_while_fewer_negatives_than_expected_come_is_a_share_incident_first(
        make_series: Maker, seed: int) -> None:
    """Volume fell so far that the hour's negatives stay under their expectation: ``negative_share`` opens on
    that hour, ``negative_spike`` only when more negative mentions than expected have come."""
    at = 21 * 24 + 14
    found = detect(_fall_and_leap(make_series, seed, at))
    assert [incident.opened for incident in found.incidents["negative_share"]] == [at]
    assert [incident.opened for incident in found.incidents["negative_spike"]] == [at + 1]
