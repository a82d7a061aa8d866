"""``earful eval alerts FILE.jsonl``: the alert detectors judged on labelled mention-volume series."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from cli.helpers import say
from earful.errors import ConfigError

SHOWN = 25  # missed windows and false alarms listed per trigger before "… N more"


def _progress(every: float = 5.0):  # type: ignore[no-untyped-def]
    last = time.monotonic()

    def report(done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last >= every or done == total:
            last = time.monotonic()
            say(f"  {done}/{total} series")

    return report


def _cell(value: Any, width: int, digits: int = 3) -> str:
    if value is None:
        return f"{'-':>{width}}"
    if isinstance(value, float):
        return f"{value:>{width}.{digits}f}"
    return f"{value:>{width}}"


def _table(overall: dict[str, dict[str, Any]]) -> list[str]:
    lines = [f"{'trigger':<15} {'windows':>7} {'found':>6} {'missed':>6} {'alerts':>6} {'false':>6} "
             f"{'precision':>9} {'recall':>7} {'delay':>6} {'NAB':>6}"]
    for trigger, f in overall.items():
        lines.append(f"{trigger:<15} {f['windows']:>7} {f['found']:>6} {f['missed']:>6} {f['alerts']:>6} "
                     f"{f['false_alarms']:>6} {_cell(f['precision'], 9)} {_cell(f['recall'], 7)} "
                     f"{_cell(f['median_delay_buckets'], 6, 1)} {_cell(f['nab'], 6, 1)}")
    return lines


def _listing(title: str, rows: list[str]) -> list[str]:
    if not rows:
        return []
    more = [f"  … {len(rows) - SHOWN} more"] if len(rows) > SHOWN else []
    return [title, *rows[:SHOWN], *more]


def cmd_eval_alerts(args: argparse.Namespace) -> int:
    from workers.alerts.evaluate import PRINTED, evaluate, iso
    from workers.alerts.labelled import read_labelled
    from workers.alerts.tuning import sensitivity

    path = Path(args.file)
    if not path.is_file():
        raise ConfigError(f"{path} does not exist; give a JSONL file of labelled series (see docs/alerts.md)")
    try:
        chosen = sensitivity(args.sensitivity, args.threshold)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    items, skipped = read_labelled(path)
    if not items:
        raise ConfigError(f"{path} holds no readable series; each line needs 'counts' and 'start'"
                          + (f" (skipped: {', '.join(f'{k} {v}' for k, v in sorted(skipped.items()))})" if skipped else ""))
    say(f"evaluating sensitivity {chosen.name} on {len(items)} series of {path}"
        + (f" (skipped: {', '.join(f'{k} {v}' for k, v in sorted(skipped.items()))})" if skipped else ""))
    result = evaluate(items, chosen, progress=None if args.quiet else _progress())
    if args.json:
        print(json.dumps(result.as_json()))
        return 0
    out = _table(result.as_json()["overall"])
    pooled = result.all_windows()
    if pooled["windows"]:
        out.append(f"all windows of {', '.join(PRINTED)}: {pooled['found']} of {pooled['windows']} found, median delay "
                   f"{_cell(pooled['median_delay_buckets'], 0, 1).strip()}, {pooled['on_first_bucket']} on their "
                   "event's first bucket (delay 1)")
    for trigger, tally in result.tallies.items():
        out += _listing(f"missed {trigger} windows:",
                        [f"  {sid}  {iso(a)} … {iso(b)}" for sid, (a, b) in tally.missed_windows])
        out += _listing(f"false {trigger} alarms:", [f"  {sid}  {iso(when)}" for sid, when in tally.false_alarm_times])
    out.append(f"{result.seconds:.1f} s; delay is the median of first alert − window start, in buckets; "
               "NAB is the Numenta Anomaly Benchmark score, standard profile (0 = never alerting, 100 = perfect)")
    print("\n".join(out))
    return 0


def register(eval_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``eval alerts`` beside the other ``eval`` subcommands."""
    from workers.alerts.tuning import SENSITIVITIES

    alerts = eval_sub.add_parser(
        "alerts", help="alert detectors: precision, recall, delay and NAB score on labelled series",
        description="Each line: {\"id\", \"interval\", \"start\", \"counts\", \"negative\"?, \"tz\"?, \"windows\", "
                    "\"negative_windows\"?, \"silence_windows\"?, \"ignore_windows\"?}. Every series is run on "
                    "its own, bucket by bucket, as production does; --json adds the start of every incident.")
    alerts.add_argument("file", help="labelled JSONL file")
    alerts.add_argument("--sensitivity", choices=SENSITIVITIES, default="medium", help="preset (default medium)")
    alerts.add_argument("--threshold", type=float, help="score an alert needs, overriding the preset's")
    alerts.add_argument("--json", action="store_true", help="print figures and detections as one JSON object")
    alerts.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    alerts.set_defaults(func=cmd_eval_alerts)
