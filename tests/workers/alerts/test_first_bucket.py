"""Conclusive single buckets: a busy brand's empty bucket is a silence at once, a quiet brand's is not,
and a bucket still filling is never called silent."""

from __future__ import annotations

import numpy as np

from workers.alerts.engine import Tracker, detect

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
