"""The detector's bucket memory: window sums, and the usual negative share around an adopted change."""

from __future__ import annotations

from datetime import UTC, datetime

from workers.alerts.baseline import Baseline
from workers.alerts.history import History
from workers.alerts.tuning import Tuning


def _history(buckets: list[tuple[int, int]]) -> History:
    history = History()
    for count, negative in buckets:
        history.push(count, negative, float(count), 1.0)
        history.settle(float(count), True, True)
    return history


def test_a_window_sums_its_buckets_and_an_empty_or_reversed_one_is_zero() -> None:
    history = _history([(10, 1), (20, 2), (30, 3)])
    assert history.window(history.p_count, 0, 3) == 60
    assert history.window(history.p_negative, 1, 3) == 5
    assert history.window(history.p_count, -4, 1) == 10
    assert history.window(history.p_count, 2, 2) == 0
    assert history.window(history.p_count, 3, 1) == 0  # never a negative count


def test_before_an_adopted_share_the_usual_share_is_the_adopted_one() -> None:
    baseline = Baseline(datetime(2026, 1, 1, tzinfo=UTC), 3600, "UTC", Tuning())
    baseline.history = _history([(100, 10)] * 48 + [(100, 40)] * 48)  # the share went from 0.1 to 0.4
    assert abs(baseline.share(48)[0] - 0.1) < 0.01
    baseline.share_from = 60  # a lasting rise adopted from bucket 60
    share, total = baseline.share(50)  # a window judged before it
    assert total > 0 and abs(share - 0.4) < 0.01
    later, _ = baseline.share(96)
    assert abs(later - 0.4) < 0.01
