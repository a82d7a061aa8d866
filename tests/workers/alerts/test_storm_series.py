"""The development series with retweet storms (``bench/spike_series.py --style storms``) read as labelled series,
and their storms are what the bursty brands' bars are for: without the bars they raise dozens of incidents more."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bench.spike_series import make_social
from workers.alerts.engine import detect
from workers.alerts.labelled import read_labelled
from workers.alerts.tuning import DEFAULT_TUNING

from .conftest import NO_BAR


def test_storm_series_are_labelled_series_whose_storms_the_bars_keep_down(tmp_path: Path) -> None:
    rng = np.random.default_rng(61)
    path = tmp_path / "storms.jsonl"
    path.write_text("".join(json.dumps(make_social(rng, f"t{i}", storms=True)) + "\n" for i in range(4)))
    items, skipped = read_labelled(path)
    assert len(items) == 4 and not skipped
    barred = unbarred = 0
    for item in items:
        assert item.windows["volume_spike"] and item.series.step == 300
        barred += len(detect(item.series, tuning=DEFAULT_TUNING).incidents["volume_spike"])
        unbarred += len(detect(item.series, tuning=NO_BAR).incidents["volume_spike"])
    assert unbarred >= 60 and barred <= 0.7 * unbarred, (barred, unbarred)  # 6-10 weeks each


def test_storms_add_bursts_to_the_same_volume() -> None:
    calm, stormy = (make_social(np.random.default_rng(7), "t", storms=storms) for storms in (False, True))
    assert calm["windows"] and stormy["windows"]
    counts = np.asarray(stormy["counts"], dtype=float)
    typical = np.median(counts.reshape(-1, 288), axis=1).repeat(288)  # each day's median bucket
    assert np.mean(counts > 4 * typical + 5) > 0.002  # a few buckets a day hold a storm
