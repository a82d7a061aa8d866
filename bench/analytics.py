"""Benchmark the analyses on the embedded index at 1 M mentions: compare, themes, export.

    .venv/bin/python bench/analytics.py --n 1000000            # build (minutes) and measure
    .venv/bin/python bench/analytics.py --n 1000000 --reuse    # measure an index built before
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from analytics_data import BATCH, BRANDS, DAYS, END, EPISODE, mentions  # noqa: E402
from benchlib import measure, ready_index  # noqa: E402

from earful.exchange.writers import csv_lines, ndjson_lines  # noqa: E402
from earful.query import parse  # noqa: E402
from earful.themes import TermExtractor, rule_exclusions  # noqa: E402
from search import export  # noqa: E402
from search.analytics.compare import compare  # noqa: E402
from search.analytics.themes import ThemeQuery, themes  # noqa: E402
from search.base import SearchFilters  # noqa: E402
from search.embedded import EmbeddedIndex  # noqa: E402
from search.fields import tokenize  # noqa: E402


def window(rng: random.Random, days: int) -> tuple[datetime, datetime]:
    start = END - timedelta(days=rng.randint(days, DAYS))
    return start, start + timedelta(days=days)


def compare_call(index: EmbeddedIndex) -> Callable[[random.Random], object]:
    """GET /api/v1/compare?brands=acme,globex,initech&interval=day&since=30d."""
    def call(rng: random.Random) -> object:
        since, until = window(rng, 30)
        return compare(index, None, SearchFilters(), BRANDS, interval="day", since=since, until=until,
                       tz=ZoneInfo("UTC"))
    return call


def themes_call(index: EmbeddedIndex) -> Callable[[random.Random], object]:
    """GET /api/v1/themes?brand=…&since=7d&compare_to=previous."""
    extractor = TermExtractor(rule_exclusions([parse(" OR ".join(BRANDS))]), tokenize=tokenize)

    def call(rng: random.Random) -> object:
        since, until = window(rng, 7)
        return themes(index, ThemeQuery(None, SearchFilters(brands=[rng.choice(BRANDS)]), since, until), extractor)
    return call


def measure_export(index: EmbeddedIndex, limit: int) -> None:
    """Mentions/s written as NDJSON and CSV (to /dev/null), oldest first, and the process's peak RSS."""
    for name, writer in (("NDJSON", ndjson_lines), ("CSV", csv_lines)):
        started, used, written = time.perf_counter(), time.process_time(), 0
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for line in writer(itertools.islice(export.mentions(index, None, SearchFilters()), limit)):
                sink.write(line)
                written += 1
        elapsed, cpu = time.perf_counter() - started, time.process_time() - used
        count = written - (name == "CSV")  # the header line
        print(f"export {name}: {count:,} mentions in {elapsed:.1f} s = {count / elapsed:,.0f} mentions/s "
              f"({count / cpu:,.0f} per CPU second); peak RSS so far "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB", flush=True)


def show_episode(index: EmbeddedIndex) -> None:
    extractor = TermExtractor(rule_exclusions([parse(" OR ".join(BRANDS))]), tokenize=tokenize)
    report = themes(index, ThemeQuery(None, SearchFilters(brands=["acme"]), *EPISODE), extractor)
    print(f"themes of acme's planted bad week ({report.foreground:,} mentions, {report.sampled} sampled): "
          + ", ".join(t.term for t in report.themes), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="mentions to index")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "earful-bench-analytics")
    parser.add_argument("--reuse", action="store_true", help="reuse an index already in --dir")
    parser.add_argument("--runs", type=int, default=100, help="requests per measurement")
    parser.add_argument("--export", type=int, default=200_000, help="mentions to export (0: none)")
    args = parser.parse_args()
    path = args.dir / f"n{args.n}"
    index = ready_index(path, mentions, args.n, reuse=args.reuse, batch=BATCH)
    print(f"index: {index.count(filters=SearchFilters(include_duplicates=True)):,} mentions", flush=True)
    if args.export:
        measure_export(index, args.export)
    show_episode(index)
    measure("compare: 3 brands x 30 days by day", args.runs, compare_call(index))
    measure("themes: one brand x 7 days vs previous 7", args.runs, themes_call(index))
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
