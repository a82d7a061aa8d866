"""``earful eval alerts``: the command as users run it, on the shared labelled series."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from workers.alerts.evaluate import evaluate
from workers.alerts.labelled import read_labelled
from workers.alerts.series import Series
from workers.alerts.tuning import sensitivity


@pytest.fixture
def series_file(shared_data: Path) -> Path:
    return shared_data / "spike-series" / "synthetic.jsonl"


def _run(earful_command: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([earful_command, "eval", "alerts", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def test_json_lists_figures_per_trigger_and_every_incident_start(series_file: Path, tmp_path: Path, env,  # type: ignore[no-untyped-def]
                                                                 earful_command: str) -> None:
    sample = tmp_path / "sample.jsonl"
    sample.write_text("".join(series_file.read_text(encoding="utf-8").splitlines(keepends=True)[:5]))
    result = _run(earful_command, str(sample), "--json", "-q", env=env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out["overall"]) == {"volume_spike", "negative_spike", "negative_share", "silence"}
    assert set(out["overall"]["volume_spike"]) >= {"precision", "recall", "found", "missed", "false_alarms",
                                                  "median_delay_buckets", "nab"}
    assert list(out["detections"]) == ["s000", "s001", "s002", "s003", "s004"]
    assert all(set(d) == {"volume_spike", "negative_spike", "silence"} for d in out["detections"].values())
    items, _ = read_labelled(sample)
    expected = evaluate(items, sensitivity("medium")).as_json()
    assert out["detections"] == expected["detections"] and out["overall"] == expected["overall"]
    stamps = [t for d in out["detections"].values() for ts in d.values() for t in ts]
    assert stamps and all(t.endswith("Z") and len(t) == 20 for t in stamps)
    table = _run(earful_command, str(sample), "-q", env=env).stdout.splitlines()
    assert table[0].split()[:4] == ["trigger", "windows", "found", "missed"]
    assert table[1].split()[:2] == ["volume_spike", str(out["overall"]["volume_spike"]["windows"])]
    pooled = [line for line in table if line.startswith("all windows of ")]
    found = sum(out["overall"][t]["found"] for t in ("volume_spike", "negative_spike", "silence"))
    windows = sum(out["overall"][t]["windows"] for t in ("volume_spike", "negative_spike", "silence"))
    assert pooled and f": {found} of {windows} found, median delay " in pooled[0]


def test_the_median_delay_over_all_windows_pools_the_printed_triggers(series_file: Path) -> None:
    items, _ = read_labelled(series_file)
    result = evaluate(items[:8], sensitivity("medium"))
    pooled = result.all_windows()
    delays = sorted(d for t in ("volume_spike", "negative_spike", "silence") for d in result.tallies[t].delays)
    assert pooled["found"] == len(delays) > 0
    assert pooled["windows"] == sum(result.tallies[t].windows for t in ("volume_spike", "negative_spike", "silence"))
    middle = len(delays) // 2
    assert pooled["median_delay_buckets"] == (delays[middle] if len(delays) % 2 else (delays[middle - 1] + delays[middle]) / 2)
    assert pooled["on_first_bucket"] == sum(1 for d in delays if d <= 1)


@pytest.mark.slow
def test_figures_on_the_shared_series(series_file: Path, env, earful_command: str) -> None:  # type: ignore[no-untyped-def]
    result = _run(earful_command, str(series_file), "--json", "-q", env=env)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["overall"]
    volume, negative, silence = figures["volume_spike"], figures["negative_spike"], figures["silence"]
    assert volume["recall"] >= 0.9 and volume["precision"] >= 0.9 and volume["median_delay_buckets"] <= 1
    assert volume["nab"] >= 85
    assert negative["precision"] >= 0.9 and negative["recall"] >= 0.7
    assert silence["recall"] >= 0.8 and silence["precision"] >= 0.8


def test_the_same_series_cut_short_gives_the_same_detections_before_the_cut(series_file: Path) -> None:
    items, _ = read_labelled(series_file)
    chosen = [items[i] for i in (0, 1, 7, 14, 22, 26)]
    full = evaluate(chosen, sensitivity("medium")).detections
    for item in chosen:
        for fraction in (0.45, 0.7, 0.93):
            cut = int(len(item.series) * fraction)
            item.series = Series.build(item.series.start, item.series.step, item.series.counts[:cut],
                                       None if item.series.negative is None else item.series.negative[:cut])
            end = item.series.time(cut).strftime("%Y-%m-%dT%H:%M:%SZ")
            part = evaluate([item], sensitivity("medium")).detections[item.id]
            for trigger, stamps in full[item.id].items():
                assert part[trigger] == [t for t in stamps if t < end], (item.id, fraction, trigger)


def test_bad_input_is_a_clear_error(tmp_path: Path, env, earful_command: str) -> None:  # type: ignore[no-untyped-def]
    missing = _run(earful_command, str(tmp_path / "nope.jsonl"), env=env)
    assert missing.returncode != 0 and "does not exist" in missing.stderr
    junk = tmp_path / "junk.jsonl"
    junk.write_text("{\"counts\": [1, 2]}\nnot json\n", encoding="utf-8")
    unreadable = _run(earful_command, str(junk), env=env)
    assert unreadable.returncode != 0 and "no readable series" in unreadable.stderr
    assert "not JSON 1" in unreadable.stderr
    threshold = _run(earful_command, str(junk), "--threshold", "0.2", env=env)
    assert threshold.returncode != 0 and "threshold" in threshold.stderr
