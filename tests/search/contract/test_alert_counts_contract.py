"""Alert counts per fixed bucket come out of the index the same on every backend, duplicates once."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from earful.errors import BadRequest
from earful.params import parse_query
from search.base import IndexBackend, SearchFilters
from search.trends import fixed_buckets

from ..conftest import make

START = datetime(2026, 3, 28, 22, 0, tzinfo=timezone.utc)  # across Europe's daylight-saving change


def _corpus() -> list:  # type: ignore[type-arg]
    rng = random.Random(4)
    out = []
    for n in range(300):
        when = START + timedelta(seconds=rng.randrange(0, 6 * 3600))
        label = rng.choice(["positive", "neutral", "negative", "negative", "unscored"])
        brand = rng.choice(["acme", "globex"])
        text = f"{brand} {'outage' if n % 3 else 'refund'} report {n}"
        out.append(make(f"m{n:03d}", text, when, brands=(brand,), label=label, score=-0.5 if label == "negative"
                        else 0.3, source=rng.choice(["feed", "reddit"]), content_hash=f"h{n}",
                        duplicate_of="m000" if n % 25 == 24 else None))
    return out


def _per_bucket(mentions: list, step: int, label: str | None) -> list[int]:  # type: ignore[type-arg]
    """Mentions (with ``label``, or all) per bucket of ``step`` seconds over the six hours from START."""
    found = Counter(int((m.published_at - START).total_seconds() // step)
                    for m in mentions if label is None or m.sentiment.label == label)
    return [found[i] for i in range(6 * 3600 // step)]


def test_bucket_counts_match_the_corpus(empty_index: IndexBackend) -> None:
    corpus = _corpus()
    empty_index.upsert(corpus)
    for step in (300, 900, 3600):
        counts, negative, unscored = fixed_buckets(empty_index, None, SearchFilters(brands=["acme"]), step=step,
                                                   since=START, until=START + timedelta(hours=6))
        kept = [m for m in corpus if "acme" in m.brands and m.duplicate_of is None]

        assert counts == _per_bucket(kept, step, None)
        assert negative == _per_bucket(kept, step, "negative")
        assert unscored == _per_bucket(kept, step, "unscored") and sum(unscored) > 0


def test_bucket_counts_take_the_rule_query_and_filters(empty_index: IndexBackend) -> None:
    corpus = _corpus()
    empty_index.upsert(corpus)
    counts, _, _ = fixed_buckets(empty_index, parse_query("refund"), SearchFilters(sources=["reddit"]), step=3600,
                                 since=START, until=START + timedelta(hours=6))
    assert sum(counts) == sum(1 for m in corpus if "refund" in m.text and m.source == "reddit"
                              and m.duplicate_of is None)
    with pytest.raises(BadRequest):
        fixed_buckets(empty_index, None, SearchFilters(), step=900, since=START + timedelta(minutes=7),
                      until=START + timedelta(hours=1))



def test_brands_are_counted_in_one_pass_as_one_by_one(empty_index: IndexBackend) -> None:
    from search.trends import fixed_buckets_by_brand

    corpus = _corpus()
    both = corpus[0].model_copy(update={"id": "both", "brands": ["acme", "globex"], "content_hash": "both"})
    empty_index.upsert([*corpus, both])
    end = START + timedelta(hours=6)
    together = fixed_buckets_by_brand(empty_index, ["globex", "acme", "initech"], step=300, since=START, until=end)
    for brand in ("acme", "globex", "initech"):
        assert together[brand] == fixed_buckets(empty_index, None, SearchFilters(brands=[brand]), step=300,
                                                since=START, until=end), brand
    assert sum(together["initech"][0]) == 0 and sum(together["acme"][0]) > 100
