"""Judging detections: the spike-series rules, the NAB score, and reading labelled files."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from workers.alerts.judge import judge
from workers.alerts.labelled import parse_line, read_labelled
from workers.alerts.nab import A_FP, MAX_TP, NabTally, nab_file, probation, scaled_sigmoid
from workers.alerts.series import Series

from .conftest import START


def test_scaled_sigmoid_is_nab_s() -> None:
    assert scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)
    assert scaled_sigmoid(-0.5) == pytest.approx(0.84828, abs=1e-5)
    assert scaled_sigmoid(0.0) == 0.0
    assert scaled_sigmoid(1.0) == pytest.approx(-0.98661, abs=1e-5)
    assert scaled_sigmoid(3.5) == -1.0


def test_nab_rewards_early_detection_in_a_window_and_charges_false_positives() -> None:
    rows, window = 1000, [(500, 599)]
    assert probation(rows) == 150 and probation(100_000) == 750
    first = nab_file(rows, window, [500])
    assert first.raw == pytest.approx(1.0) and first.score == pytest.approx(100.0)
    middle = nab_file(rows, window, [550, 560, 599])  # only the first in a window counts
    assert middle.raw == pytest.approx(scaled_sigmoid(-50 / 100) / MAX_TP)
    assert nab_file(rows, window, []).score == pytest.approx(0.0)
    lone_fp = nab_file(rows, window, [300])  # before any window: the full A_FP
    assert lone_fp.raw == pytest.approx(-1.0 - A_FP)
    after = nab_file(rows, window, [500, 620])  # just after a window costs less than far away
    far = nab_file(rows, window, [500, 990])
    assert after.raw == pytest.approx(1.0 + A_FP * scaled_sigmoid(21 / 99))
    assert -A_FP < after.raw - 1.0 and far.raw - 1.0 == pytest.approx(-A_FP, abs=1e-3)
    ignored = nab_file(rows, [(100, 200)], [120])  # detections in the probation are not scored
    assert ignored.raw == pytest.approx(-1.0) and ignored.scored == 1


def test_nab_normalises_over_files_like_the_benchmark() -> None:
    total = NabTally()
    total.add(nab_file(1000, [(500, 599)], [500]))
    total.add(nab_file(1000, [(300, 399)], []))
    assert total.raw == pytest.approx(0.0) and total.score == pytest.approx(50.0)
    assert NabTally().score is None


def _series(length: int = 200) -> Series:
    return Series.build(START, 3600, [5] * length)


def test_judging_counts_hits_false_alarms_ignores_and_delay() -> None:
    series = _series()
    h = lambda n: START + timedelta(hours=n)  # noqa: E731
    windows = [(h(50), h(60)), (h(100), h(105)), (h(150), h(152))]
    alerts = [h(51), h(53), h(101), h(120), h(170)]
    tally = judge("s1", series, alerts, windows, ignore=[(h(168), h(172))])
    figures = tally.figures()
    assert (figures["found"], figures["missed"], figures["false_alarms"], figures["ignored"]) == (2, 1, 1, 1)
    assert figures["precision"] == pytest.approx(3 / 4) and figures["recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert figures["median_delay_buckets"] == 1.0 and figures["alerts"] == 5
    assert tally.missed_windows == [("s1", windows[2])] and tally.false_alarm_times == [("s1", h(120))]
    assert math.isfinite(figures["nab"])


def test_reading_labelled_lines_tolerates_what_real_files_lack(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "interval": "1h", "start": "2026-01-05T00:00:00Z", "counts": [1, 2, 3],
         "negative": [0, 1, 1], "windows": [["2026-01-05T01:00:00Z", "2026-01-05T02:00:00Z"]],
         "silence_windows": []},
        {"start": "2026-01-05T00:00:00", "counts": [4, 5], "windows": [{"start": "2026-01-05T00:00:00Z",
                                                                          "end": "2026-01-05T00:05:00Z"}]},
        {"id": "c", "start": "2026-01-05T00:00:00Z", "counts": [1], "negative": [1, 2]},
        {"id": "d", "counts": [1]},
        {"id": "e", "start": "2026-01-05T00:00:00Z", "interval": "7m", "counts": [1]},
    ]
    path = tmp_path / "series.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n\n", encoding="utf-8")
    items, skipped = read_labelled(path)
    assert [x.id for x in items] == ["a", "line2", "c"]
    assert set(items[0].windows) == {"volume_spike", "silence"} and items[0].series.step == 3600
    assert items[1].series.step == 300 and items[1].series.negative is None and items[1].series.tz == "UTC"
    assert items[2].series.negative is None  # wrong length: dropped, counted
    assert skipped["negative:length differs from counts"] == 1 and skipped["line:not JSON"] == 1
    assert sum(v for k, v in skipped.items() if k.startswith("line:")) == 3
    with pytest.raises(ValueError, match="counts"):
        parse_line({"start": "2026-01-05T00:00:00Z"}, "x", Counter())


def test_intervals_and_timestamps_as_other_tools_write_them() -> None:
    from workers.alerts.labelled import interval_of

    assert [interval_of(v) for v in ("5m", "5min", "15 minutes", "1 hour", "1H", 300)] == [300, 300, 900, 3600,
                                                                                          3600, 300]
    line = {"timestamps": ["2015-02-26 21:42:53", "2015-02-26 21:47:53", "2015-02-26 21:52:53"],
            "counts": [3, 4, 40], "windows": [["2015-02-26 21:47:53", "2015-02-26 21:52:53"]]}
    item = parse_line(line, "nab-like", Counter())
    assert item.series.step == 300 and item.series.start.second == 53 and len(item.series) == 3
    assert item.windows["volume_spike"][0][0] == item.series.time(1)
