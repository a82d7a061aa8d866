"""Real mention-volume series with labelled anomalies, from a checkout of the Numenta Anomaly Benchmark.

NAB's ``data/realTweets`` holds ten series of Twitter mentions of a company per 5 minutes (about
two months each) and ``labels/combined_windows.json`` its labelled anomaly windows. This writes them
in the format ``earful eval alerts`` reads (``../shared/data/spike-series``): NAB's windows as
``windows`` (volume), timestamps read as UTC. NAB's data is not shipped with Earful; clone
https://github.com/numenta/NAB (licence: its repository's) and point this at it:

    .venv/bin/python bench/nab_series.py ~/NAB --out /tmp/real.jsonl [--only KO,CRM]
    .venv/bin/python -m cli.main eval alerts /tmp/real.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

FOLDER = "realTweets"


def _iso(stamp: str) -> str:
    """``2015-02-26 21:42:53[.000000]`` -> ``2015-02-26T21:42:53Z``."""
    return stamp.strip().split(".")[0].replace(" ", "T") + "Z"


def read_series(csv_path: Path, windows: list[list[str]]) -> dict[str, Any]:
    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{csv_path} has no rows")
    name = csv_path.stem.removeprefix("Twitter_volume_")
    return {"id": name, "interval": "5m", "start": _iso(rows[0]["timestamp"]),
            "counts": [int(float(row["value"])) for row in rows],
            "windows": [[_iso(a), _iso(b)] for a, b in windows]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("nab", type=Path, help="a checkout of numenta/NAB")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--only", default="", help="comma-separated names (e.g. KO,CRM); default: all ten")
    args = parser.parse_args(argv)
    labels_path = args.nab / "labels" / "combined_windows.json"
    if not labels_path.is_file():
        print(f"{labels_path} is missing: give the root of a NAB checkout", file=sys.stderr)
        return 2
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    wanted = {n.strip() for n in args.only.split(",") if n.strip()}
    written = 0
    with args.out.open("w", encoding="utf-8") as out:
        for path in sorted((args.nab / "data" / FOLDER).glob("*.csv")):
            series = read_series(path, labels.get(f"{FOLDER}/{path.name}", []))
            if wanted and series["id"] not in wanted:
                continue
            out.write(json.dumps(series) + "\n")
            written += 1
            print(f"  {series['id']}: {len(series['counts'])} buckets, {len(series['windows'])} windows", file=sys.stderr)
    print(f"wrote {written} series to {args.out}", file=sys.stderr)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
