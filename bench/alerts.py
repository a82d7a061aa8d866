"""Benchmark alert evaluation: what evaluating 20 rules costs after each indexed batch, at 1 M stored mentions.

Builds (or reuses) an embedded index of N mentions of ten brands over the last 180 days, with a
daily rhythm; 20 rules (volume, negative, share and silence triggers; 5-, 15- and 60-minute
buckets; some with a query). Then: the first evaluation of every rule (each detector is built
from the index once per process), and batch after batch of new mentions of every brand, each
indexed (not timed) and then evaluated (timed: the per-batch cost), and the clock's round.

    .venv/bin/python bench/alerts.py --n 1000000            # build and measure
    .venv/bin/python bench/alerts.py --n 1000000 --reuse    # measure an index built before
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchlib import prepared, report  # noqa: E402

from earful.config import AppConfig, parse_config  # noqa: E402
from earful.models import Mention, Sentiment  # noqa: E402
from earful.state import SQLiteStateStore  # noqa: E402
from search.base import SearchFilters  # noqa: E402
from search.embedded import EmbeddedIndex  # noqa: E402
from workers.alerts.evaluator import Evaluator  # noqa: E402

BRANDS = [f"brand{i}" for i in range(10)]
SOURCES = [("feed", "newsfeed"), ("reddit", "r/gadgets"), ("review", "reviews"), ("web", "forums")]
TOPICS = ["refund", "outage", "support", "price", "plan", "network", "app", "invoice", "delivery", "screen"]
FILLER = [f"w{i:04d}" for i in range(3000)]  # everyday words: a topic is in a few per cent of mentions
END = datetime(2024, 7, 1, tzinfo=timezone.utc)
DAYS = 180


def _when(rng: random.Random, end: datetime, seconds: float) -> datetime:
    """A time in (end - seconds, end), denser in the afternoon (UTC) than at night."""
    while True:
        moment = end - timedelta(seconds=rng.uniform(0, seconds))
        hour = moment.hour + moment.minute / 60
        if rng.random() < 0.35 + 0.65 * math.exp(-0.5 * ((hour - 15) / 4) ** 2):
            return moment


def mentions(n: int, end: datetime = END, seconds: float = DAYS * 86400, prefix: str = "m",
             seed: int = 5) -> Iterator[Mention]:
    rng = random.Random(seed)
    for i in range(n):
        brand = rng.choice(BRANDS)
        words = rng.choices(FILLER, k=rng.randint(8, 30)) + rng.sample(TOPICS, int(rng.random() < 0.2))
        score = round(rng.uniform(-1, 1), 3)
        label = "negative" if score < -0.3 else "positive" if score > 0.2 else "neutral"
        source, name = rng.choice(SOURCES)
        yield Mention(id=f"{prefix}{i:08d}", source=source, source_name=name, title=f"{brand} {' '.join(words[:5])}",
                      text=f"{brand} {' '.join(words)}", published_at=_when(rng, end, seconds), lang="en",
                      brands=[brand], sentiment=Sentiment(score=score, label=label, model="bench"),
                      content_hash=f"{prefix}{i:x}")


def config() -> AppConfig:
    triggers = ["volume_spike", "negative_spike", "silence", "negative_share"]
    intervals = ["15m", "5m", "1h", "15m"]
    rules = []
    for i in range(20):
        brand = BRANDS[i % 10]
        rule = {"id": f"rule{i:02d}", "brand": brand, "trigger": triggers[i % 4], "interval": intervals[i % 4]}
        if i % 5 == 4:
            rule["q"] = "refund OR outage"
        rules.append(rule)
    return parse_config({"brands": [{"id": b, "name": b, "query": b} for b in BRANDS], "alerts": rules})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="stored mentions")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "earful-bench-alerts")
    parser.add_argument("--reuse", action="store_true", help="reuse an index already in --dir")
    parser.add_argument("--batches", type=int, default=40, help="batches evaluated")
    parser.add_argument("--batch", type=int, default=500, help="mentions per batch")
    args = parser.parse_args()
    path = prepared(args.dir, args.n, args.reuse, mentions)
    shutil.rmtree(args.dir / "state", ignore_errors=True)
    index = EmbeddedIndex(path)
    state = SQLiteStateStore(args.dir / "state" / "state.sqlite3")
    now = [END]
    evaluator = Evaluator(index, state, config(), clock=lambda: now[0])
    print(f"index: {index.count(filters=SearchFilters(include_duplicates=True)):,} mentions; 20 rules")
    started, used = time.perf_counter(), time.process_time()
    evaluator.tick()
    print(f"first evaluation of every rule (detectors built from the index): "
          f"{time.perf_counter() - started:.2f} s, CPU {time.process_time() - used:.2f} s")
    wall, cpu = [], []
    for k in range(args.batches):
        now[0] += timedelta(seconds=30)
        batch = list(mentions(args.batch, end=now[0], seconds=30, prefix=f"b{k}-", seed=100 + k))
        index.upsert(batch)
        started, used = time.perf_counter(), time.process_time()
        outcomes = evaluator.after_batch(batch)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        assert len(outcomes) == 20 and not [o for o in outcomes if o.error], outcomes
    report(f"after a batch of {args.batch}: 20 rules evaluated", wall, cpu, width=52)
    wall, cpu = [], []
    for _ in range(10):
        now[0] += timedelta(seconds=30)
        started, used = time.perf_counter(), time.process_time()
        evaluator.tick()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    report("the clock's round: 20 rules evaluated", wall, cpu, width=52)
    state.close()
    index.close()


if __name__ == "__main__":
    main()
