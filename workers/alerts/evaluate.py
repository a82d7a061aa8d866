"""Run the detectors over labelled series and judge them: the figures ``earful eval alerts`` prints."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workers.alerts.engine import detect
from workers.alerts.judge import Tally, judge
from workers.alerts.labelled import Labelled
from workers.alerts.tuning import DEFAULT_TUNING, DETECTED, Sensitivity, Tuning

PRINTED = ("volume_spike", "negative_spike", "silence")  # the detections --json lists per series
Progress = Callable[[int, int], None]


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class AlertEval:
    sensitivity: Sensitivity
    tallies: dict[str, Tally]
    detections: dict[str, dict[str, list[str]]]
    seconds: float

    def all_windows(self) -> dict[str, Any]:
        """Every labelled window of the printed triggers together (``negative_share`` shares its windows with
        ``negative_spike``): windows, found, the median delay and how many were found on their event's first bucket."""
        tallies = [self.tallies[t] for t in PRINTED if t in self.tallies]
        delays = [d for t in tallies for d in t.delays]
        return {"windows": sum(t.windows for t in tallies), "found": len(delays),
                "median_delay_buckets": statistics.median(delays) if delays else None,
                "on_first_bucket": sum(1 for d in delays if d <= 1)}

    def as_json(self) -> dict[str, Any]:
        return {
            "overall": {trigger: tally.figures() for trigger, tally in self.tallies.items()},
            "detections": self.detections,
            "sensitivity": self.sensitivity.name,
            "series": len(self.detections),
            "seconds": round(self.seconds, 2),
        }


def evaluate(items: Sequence[Labelled], sensitivity: Sensitivity, tuning: Tuning = DEFAULT_TUNING,
             progress: Progress | None = None) -> AlertEval:
    """Detect on every series (each on its own, causally) and tally every trigger that has labels."""
    started = time.monotonic()
    tallies = {trigger: Tally() for trigger in DETECTED}
    detections: dict[str, dict[str, list[str]]] = {}
    for done, item in enumerate(items, 1):
        found = detect(item.series, sensitivity, tuning)
        opened = {trigger: found.opened(trigger) for trigger in DETECTED}
        detections[item.id] = {trigger: [iso(t) for t in opened[trigger]] for trigger in PRINTED}
        for trigger, windows in item.windows.items():
            if trigger.startswith("negative") and item.series.negative is None:
                continue  # no negative counts: nothing to judge the negative triggers on
            tallies[trigger].add(judge(item.id, item.series, opened[trigger], windows, item.ignore))
        if progress is not None:
            progress(done, len(items))
    return AlertEval(sensitivity, tallies, detections, time.monotonic() - started)
