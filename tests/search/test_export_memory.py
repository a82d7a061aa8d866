"""A large export holds one page at a time: counted live mentions and traced memory, never timing."""

from __future__ import annotations

import gc
import random
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

from earful.exchange.writers import csv_lines, ndjson_lines
from earful.models import Mention, Sentiment, mention_id
from search import export
from search.base import SearchFilters
from search.embedded import EmbeddedIndex

N, PAGE = 6000, 100
EVERY = 6  # pages between two counts of live mentions (each is a full garbage collection of the process)
WORDS = "outage refund signal network billing support price coverage store plan data roaming".split()


def article(rng: random.Random, n: int) -> Mention:
    text = " ".join(rng.choices(WORDS, k=700))  # about 4 KB, a feed article
    return Mention(id=mention_id("bench", str(n)), source="feed", source_name="news", title=f"Story {n}",
                   text=text, published_at=datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=7 * n),
                   brands=["acme"], lang="en", sentiment=Sentiment(score=0.1, label="neutral", model="t"))


def test_export_holds_one_page(tmp_path: Path) -> None:
    rng = random.Random(5)
    index = EmbeddedIndex(tmp_path / "index")
    index.upsert([article(rng, n) for n in range(N)])
    live: list[int] = []

    def alive() -> int:
        gc.collect()
        return sum(isinstance(o, Mention) for o in gc.get_objects())

    before = alive()  # other tests' mentions may live in this process

    pages: list[int] = []

    def watched() -> object:
        for batch in export.pages(index, None, SearchFilters(), page=PAGE):
            pages.append(len(batch))
            if len(pages) % EVERY == 1:
                live.append(alive() - before)
            yield from batch

    for writer in (ndjson_lines, csv_lines):
        live.clear()
        pages.clear()
        tracemalloc.start()
        written = sum(len(line.encode()) for line in writer(watched()))  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert written > N * 4000  # every article went out whole
        assert pages == [PAGE] * (N // PAGE) and len(live) == N // PAGE // EVERY
        assert max(live) <= 2 * PAGE  # the page being written, and the next
        assert peak < written / 5  # nowhere near the export's size
    index.close()
