"""Benchmark the Elasticsearch backend: bulk-index N synthetic mentions, then time searches and trends.

    EARFUL_ES_URL=http://localhost:9200 .venv/bin/python bench/es_index.py --n 100000
    .venv/bin/python bench/es_index.py --url http://localhost:9200 --n 100000 --keep   # keep the indices

Uses the same synthetic corpus and queries as bench/search.py (embedded index), so the two can be
compared on one machine. Indices go under --prefix and are deleted afterwards unless --keep.
Measure against a real cluster: an API emulator's timings say nothing about Elasticsearch.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from elasticsearch import Elasticsearch  # noqa: E402

from search.elasticsearch import ElasticsearchIndex  # noqa: E402
from search.elasticsearch.mapping import IndexNames  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
assert _spec and _spec.loader
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)
BATCH = 2000  # EARFUL_BATCH_SIZE's default: one upsert per processing batch


def build(index: ElasticsearchIndex, n: int) -> None:
    started, done, batch = time.perf_counter(), 0, []
    for mention in corpus.mentions(n):
        batch.append(mention)
        if len(batch) == BATCH:
            done += index.upsert(batch)
            batch.clear()
            if done % (BATCH * 10) == 0:
                print(f"  indexed {done:>9,} / {n:,}  ({done / (time.perf_counter() - started):,.0f} mentions/s)",
                      flush=True)
    done += index.upsert(batch)
    elapsed = time.perf_counter() - started
    print(f"indexed {done:,} mentions in {elapsed:.1f} s: {done / elapsed:,.0f} mentions/s "
          f"(upserts of {BATCH}, id lookup + bulk + refresh each)")


def drop(client: Elasticsearch, names: IndexNames) -> None:
    found = client.options(ignore_status=404).indices.get(index=f"{names.prefix}-mentions-v*")
    for name in found.body if found.meta.status == 200 else {}:
        client.indices.delete(index=name)
    client.options(ignore_status=404).indices.delete_index_template(name=names.template())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("EARFUL_ES_URL"), help="default: EARFUL_ES_URL")
    parser.add_argument("--n", type=int, default=100_000, help="mentions to index")
    parser.add_argument("--prefix", default="earful-bench")
    parser.add_argument("--runs", type=int, default=100, help="queries per measurement")
    parser.add_argument("--keep", action="store_true", help="keep the indices afterwards")
    args = parser.parse_args()
    if not args.url:
        parser.error("pass --url or set EARFUL_ES_URL")
    names = IndexNames(args.prefix)
    client = Elasticsearch(args.url, request_timeout=120)
    drop(client, names)
    index = ElasticsearchIndex(client, names, url=args.url)
    try:
        build(index, args.n)
        for sort in ("relevance", "newest"):
            corpus.measure(f"search 1 word + brand + 30 days, {sort}", args.runs, corpus.search_call(index, sort))
        for tz in ("UTC", "America/New_York"):
            corpus.measure(f"trend 90 days by day, {tz}", max(10, args.runs // 5), corpus.trend_call(index, tz))
    finally:
        if not args.keep:
            drop(client, names)
        index.close()


if __name__ == "__main__":
    main()
