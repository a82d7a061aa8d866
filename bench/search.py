"""Benchmark the embedded index: build N synthetic mentions, then time searches and trends.

    .venv/bin/python bench/search.py --n 1000000            # build and measure
    .venv/bin/python bench/search.py --n 1000000 --reuse    # measure an index built before
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchlib import measure, ready_index  # noqa: E402

from earful.models import Mention, Sentiment  # noqa: E402
from earful.query.ast import Term  # noqa: E402
from search.base import SearchFilters, SearchRequest  # noqa: E402
from search.embedded import EmbeddedIndex  # noqa: E402
from search.trends import trend  # noqa: E402

BRANDS = ["acme", "globex", "initech"]
LANGS = ["en", "ar", "fa", "he", "ru"]
SOURCES = [("feed", "newsfeed"), ("reddit", "r/gadgets"), ("review", "trustpilot"), ("web", "forums")]
TOPICS = ["refund", "outage", "support", "delivery", "price", "quality", "battery", "update",
          "warranty", "shipping", "login", "subscription", "invoice", "screen", "crash", "app"]
END = datetime(2024, 7, 1, tzinfo=timezone.utc)
DAYS = 180
BATCH = 20_000


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    letters = "abcdefghijklmnoprstuvwy"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(size * 2)}
    vocab = sorted(words)[:size]
    # Topic words sit at ranks 100-400 of a Zipf curve: each is in roughly 0.5-3 % of mentions,
    # as "refund" or "outage" are in real brand chatter (not in every other post).
    for i, topic in enumerate(TOPICS):
        vocab.insert(100 + 20 * i, topic)
    return vocab


def mentions(n: int, seed: int = 7) -> Iterator[Mention]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(vocab))]  # Zipf-like word frequencies
    cumulative = list(itertools.accumulate(weights))
    for i in range(n):
        words = rng.choices(vocab, cum_weights=cumulative, k=rng.randint(15, 60))
        brand = rng.choice(BRANDS)
        words.insert(rng.randrange(len(words)), brand)
        score = round(rng.uniform(-1, 1), 3)
        label = "negative" if score < -0.2 else "positive" if score > 0.2 else "neutral"
        source, name = rng.choice(SOURCES)
        yield Mention(
            id=f"m{i:08d}", source=source, source_name=name, title=" ".join(words[:8]),
            text=" ".join(words), published_at=END - timedelta(seconds=rng.randrange(DAYS * 86400)),
            lang=rng.choice(LANGS), brands=[brand], site=f"site{rng.randrange(500)}.example",
            sentiment=Sentiment(score=score, label=label, model="bench"), content_hash=f"{i:x}")


def window(rng: random.Random, days: int) -> tuple[datetime, datetime]:
    start = END - timedelta(days=rng.randint(days, DAYS))
    return start, start + timedelta(days=days)


def search_call(index: EmbeddedIndex, sort: str) -> Callable[[random.Random], object]:
    def call(rng: random.Random) -> object:
        since, until = window(rng, 30)
        filters = SearchFilters(brands=[rng.choice(BRANDS)], since=since, until=until)
        request = SearchRequest(query=Term(rng.choice(TOPICS)), filters=filters,
                                sort=sort, limit=50, highlight=True)  # type: ignore[arg-type]
        return index.search(request)
    return call


def trend_call(index: EmbeddedIndex, tz: str) -> Callable[[random.Random], object]:
    """What GET /api/v1/trends?brand=…&interval=day does: buckets, label counts, mean score."""
    zone = ZoneInfo(tz)

    def call(rng: random.Random) -> object:
        since, until = window(rng, 90)
        return trend(index, None, SearchFilters(brands=[rng.choice(BRANDS)]), interval="day",
                     since=since, until=until, tz=zone)
    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="mentions to index")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "earful-bench-index")
    parser.add_argument("--reuse", action="store_true", help="reuse an index already in --dir")
    parser.add_argument("--runs", type=int, default=200, help="queries per measurement")
    args = parser.parse_args()
    path = args.dir / f"n{args.n}"
    index = ready_index(path, mentions, args.n, reuse=args.reuse, batch=BATCH)
    print(f"index: {index.count(filters=SearchFilters(include_duplicates=True)):,} mentions")
    measure("text + brand + 30 days, newest, 50 + highlights", args.runs, search_call(index, "newest"))
    measure("text + brand + 30 days, relevance, 50 + highl.", args.runs, search_call(index, "relevance"))
    measure("trends: brand, 90 days by day, UTC", args.runs, trend_call(index, "UTC"))
    measure("trends: brand, 90 days by day, Europe/Berlin", args.runs, trend_call(index, "Europe/Berlin"))


if __name__ == "__main__":
    main()
