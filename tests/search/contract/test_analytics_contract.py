"""Compare, breakdowns, top values and ratings give the same, correct answers on every backend.

Each result is checked against counts taken straight from the corpus in Python.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from earful.models import Mention
from search.analytics.breakdown import breakdown
from search.analytics.compare import compare
from search.analytics.ratings import rating_series
from search.analytics.top import top_values
from search.base import IndexBackend, SearchFilters
from search.trends import Interval, floor_local

from .analytics_corpus import START, corpus

UTC = ZoneInfo("UTC")
DOCS = corpus()


@pytest.fixture
def index(empty_index: IndexBackend) -> IndexBackend:
    empty_index.upsert(DOCS)
    return empty_index


def in_period(m: Mention, since: datetime, until: datetime) -> bool:
    return since <= m.published_at < until


def oracle(docs: list[Mention], interval: Interval, tz: ZoneInfo, key: str = "") -> Counter[tuple[str, datetime]]:
    """(label or value, local bucket start) -> mentions."""
    return Counter((key or m.sentiment.label, floor_local(m.published_at, interval, tz)) for m in docs)


def test_compare_per_brand_per_week_with_shares_and_previous_period(index: IndexBackend) -> None:
    since, until = START + timedelta(days=14), START + timedelta(days=28)
    result = compare(index, None, SearchFilters(), ["acme", "globex", "initech"], interval="week",
                     since=since, until=until, tz=UTC)
    assert (result.since, result.previous_since) == (since, START)
    for brand in result.brands:
        mine = [m for m in DOCS if brand.brand in m.brands and in_period(m, since, until)]
        expected = oracle(mine, "week", UTC)
        for bucket in brand.buckets:
            assert {k: v for k, v in bucket.labels.items() if v} == {
                label: n for (label, start), n in expected.items() if start == bucket.start}
        before = [m for m in DOCS if brand.brand in m.brands and in_period(m, START, since)]
        assert brand.previous.count == len(before) and brand.total.count == len(mine)
        rated = [m.rating.normalized for m in mine if m.rating and m.rating.normalized is not None]
        assert brand.total.rated == len(rated)
        assert brand.total.mean_rating == (round(sum(rated) / len(rated), 4) if rated else None)
    for i in range(2):
        assert sum(b.shares[i] or 0 for b in result.brands) == pytest.approx(1.0)
    acme = result.brands[0]
    # 14 days of chatter, 12 outage posts, 3 reviews and 1 post about two brands; 18 before
    assert (acme.total.count, acme.previous.count) == (30, 18)
    assert acme.total.net_sentiment == round((6 - 15) / 27, 4)
    assert acme.share == round(30 / (30 + 15 + 7), 4)


def test_compare_days_in_a_zone_across_daylight_saving(index: IndexBackend) -> None:
    berlin = ZoneInfo("Europe/Berlin")  # clocks went forward on 2024-03-31
    since, until = datetime(2024, 3, 28, tzinfo=berlin), datetime(2024, 4, 2, tzinfo=berlin)
    result = compare(index, None, SearchFilters(), ["globex"], interval="day", since=since, until=until, tz=berlin)
    globex = [m for m in DOCS if "globex" in m.brands and in_period(m, since, until)]
    got = {b.start: b.count for b in result.brands[0].buckets if b.count}
    assert got == dict(Counter(floor_local(m.published_at, "day", berlin) for m in globex))
    assert [b.start.utcoffset() for b in result.brands[0].buckets] == [timedelta(hours=1)] * 4 + [timedelta(hours=2)]


def test_breakdown_by_site_keeps_the_top_values_and_other(index: IndexBackend) -> None:
    since, until = START, START + timedelta(days=28)
    found = breakdown(index, None, SearchFilters(brands=["acme"]), "site", interval="week",
                      since=since, until=until, tz=UTC, size=2)
    acme = [m for m in DOCS if "acme" in m.brands]
    sites = Counter(m.site for m in acme)
    top = sorted(sites, key=lambda s: (-sites[s], s))[:2]
    assert [g.value for g in found] == [*top, None]
    for group in found:
        holders = [m for m in acme if (m.site == group.value if group.value else m.site not in top)]
        assert group.total == len(holders)
        assert [b.count for b in group.buckets] == [
            sum(1 for m in holders if floor_local(m.published_at, "week", UTC) == b.start) for b in group.buckets]


def test_breakdown_by_sentiment_has_every_label(index: IndexBackend) -> None:
    found = breakdown(index, None, SearchFilters(), "sentiment", interval="week", since=START,
                      until=START + timedelta(days=28), tz=UTC)
    assert {g.value: g.total for g in found} == dict(Counter(m.sentiment.label for m in DOCS))


def test_breakdown_by_brand_counts_a_mention_under_each_of_its_brands(index: IndexBackend) -> None:
    found = breakdown(index, None, SearchFilters(), "brand", interval="week", since=START,
                      until=START + timedelta(days=28), tz=UTC, size=3)
    assert {g.value: g.total for g in found} == {**Counter(b for m in DOCS for b in m.brands), None: 0}


@pytest.mark.parametrize("field", ["site", "author", "source", "lang"])
def test_top_values_with_net_sentiment(index: IndexBackend, field: str) -> None:
    attribute = {"site": "site", "author": "author", "source": "source_name", "lang": "lang"}[field]
    found = top_values(index, None, SearchFilters(brands=["acme"]), field, size=2)
    acme = [m for m in DOCS if "acme" in m.brands]
    counts = Counter(getattr(m, attribute) for m in acme)
    expected = sorted(counts, key=lambda v: (-counts[v], v))
    assert [(v.value, v.tally.count) for v in found.values] == [(v, counts[v]) for v in expected[:2]]
    assert found.other == sum(counts[v] for v in expected[2:])
    first = [m for m in acme if getattr(m, attribute) == expected[0]]
    labels = Counter(m.sentiment.label for m in first)
    scored = len(first) - labels["unscored"]
    assert found.values[0].tally.net_sentiment == round((labels["positive"] - labels["negative"]) / scored, 4)


def test_ratings_per_week_and_per_site(index: IndexBackend) -> None:
    groups = {"all": {"match_all": {}}, "reviews.example.com": {"term": {"site_host": "reviews.example.com"}}}
    found = rating_series(index, None, SearchFilters(brands=["acme"]), groups, interval="week", since=START,
                          until=START + timedelta(days=28), tz=UTC)
    rated = [m for m in DOCS if m.rating is not None]
    for name, buckets in found.items():
        mine = [m for m in rated if name == "all" or m.site == name]
        for bucket in buckets:
            inside = [m for m in mine if floor_local(m.published_at, "week", UTC) == bucket.start]
            stars = Counter(str(int(m.rating.raw or 0)) for m in inside if m.rating)
            assert bucket.count == len(inside)
            assert {k: v for k, v in bucket.stars.items() if v} == dict(stars)
            values = [m.rating.normalized or 0.0 for m in inside if m.rating]
            assert bucket.mean_rating == (round(sum(values) / len(values), 4) if values else None)
    first = found["all"][0]
    assert (first.count, first.stars["1"], first.stars["4"], first.mean_stars) == (2, 1, 1, 2.5)  # 1★ and 4★
