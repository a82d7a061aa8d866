"""Sentiment toward each brand: filters, trends, compare, breakdowns, top values and themes read the
brand's own sentiment when one brand is asked for, on every backend, checked against the corpus."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from earful.config import parse_config
from earful.models import BrandSentiment, Mention, Passage, Sentiment, mention_id
from earful.settings import Settings
from search.analytics.breakdown import breakdown
from search.analytics.compare import compare
from search.analytics.themes import ThemeQuery, extractor_for, themes
from search.analytics.top import top_values
from search.base import IndexBackend, SearchFilters, SearchRequest
from search.trends import LABELS, fixed_buckets, fixed_buckets_by_brand, floor_local, trend

START = datetime(2024, 5, 6, tzinfo=timezone.utc)  # a Monday
UTC = ZoneInfo("UTC")
SCORES = {"positive": 0.6, "neutral": 0.05, "negative": -0.7, "unscored": None}
WORDS = ["outage", "refund", "coverage", "upgrade", "billing"]


def toward(label: str, shift: float = 0.0) -> BrandSentiment:
    score = SCORES[label]
    return BrandSentiment(score=None if score is None else round(score + shift, 4), label=label,  # type: ignore[arg-type]
                          model=None if score is None else "test",
                          passages=[Passage(text="a passage", start=0, end=9)])


def corpus() -> list[Mention]:
    """Two weeks of mentions of acme, globex or both; a mention of both often differs toward each; a
    few were stored before per-brand scores (their brands read the overall sentiment)."""
    rng = random.Random(7)
    out = []
    for n in range(90):
        brands = rng.choice([["acme"], ["globex"], ["acme", "globex"], ["acme", "globex"]])
        overall = rng.choice(LABELS)
        own = {} if n % 11 == 0 else {b: toward(rng.choice(LABELS), rng.uniform(-0.2, 0.2)) for b in brands}
        out.append(Mention(
            id=mention_id("brand-corpus", str(n)), source=rng.choice(["feed", "reddit"]),
            source_name=rng.choice(["news", "forum", "blogs"]), title="", lang="en", brands=brands,
            text=f"{' and '.join(b.title() for b in brands)}: {WORDS[n % 5]} {WORDS[(n * 3) % 5]} today.",
            published_at=START + timedelta(hours=3.7 * n), content_hash=f"bc{n}",
            sentiment=Sentiment(score=SCORES[overall], label=overall, model="test"),  # type: ignore[arg-type]
            brand_sentiment=own))
    return out


DOCS = corpus()
UNTIL = START + timedelta(days=14)


@pytest.fixture
def index(empty_index: IndexBackend) -> IndexBackend:
    empty_index.upsert(DOCS)
    return empty_index


def label_of(m: Mention, brand: str | None) -> str:
    return (m.sentiment_toward(brand) if brand else m.sentiment).label


def search_ids(index: IndexBackend, filters: SearchFilters) -> set[str]:
    hits = index.search(SearchRequest(filters=filters, sort="oldest", limit=500, highlight=False)).hits
    return {h.mention.id for h in hits}


def test_the_corpus_has_brands_that_disagree() -> None:
    both = [m for m in DOCS if len(m.brands) == 2 and label_of(m, "acme") != label_of(m, "globex")]
    assert len(both) >= 15 and sum(1 for m in DOCS if not m.brand_sentiment) >= 5


@pytest.mark.parametrize("label", ["negative", "positive", "unscored"])
def test_a_brand_and_a_sentiment_mean_the_sentiment_toward_that_brand(index: IndexBackend, label: str) -> None:
    for brand in ("acme", "globex"):
        expected = {m.id for m in DOCS if brand in m.brands and label_of(m, brand) == label}
        assert search_ids(index, SearchFilters(brands=[brand], sentiments=[label])) == expected
        assert index.count(filters=SearchFilters(brands=[brand], sentiments=[label])) == len(expected)
    either = {m.id for m in DOCS if any(label_of(m, b) == label for b in m.brands)}
    assert search_ids(index, SearchFilters(brands=["acme", "globex"], sentiments=[label])) == either
    overall = {m.id for m in DOCS if m.sentiment.label == label}
    assert search_ids(index, SearchFilters(sentiments=[label])) == overall
    assert overall != {m.id for m in DOCS if label_of(m, "acme") == label and "acme" in m.brands}


@pytest.mark.parametrize("brand", ["acme", "globex", None])
def test_trends_count_the_brands_own_labels_and_mean(index: IndexBackend, brand: str | None) -> None:
    filters = SearchFilters(brands=[brand] if brand else [])
    buckets = trend(index, None, filters, interval="day", since=START, until=UNTIL, tz=UTC)
    mine = [m for m in DOCS if brand is None or brand in m.brands]
    expected = Counter((label_of(m, brand), floor_local(m.published_at, "day", UTC)) for m in mine)
    for bucket in buckets:
        assert {k: v for k, v in bucket.labels.items() if v} == {
            label: n for (label, start), n in expected.items() if start == bucket.start}
        scores = [s for m in mine if floor_local(m.published_at, "day", UTC) == bucket.start
                  if (s := (m.sentiment_toward(brand) if brand else m.sentiment).score) is not None]
        expected_mean = round(sum(round(s * 1000) for s in scores) / 1000 / len(scores), 4) if scores else None
        assert bucket.mean_sentiment == expected_mean


def test_compare_gives_each_brand_its_own_sentiment(index: IndexBackend) -> None:
    result = compare(index, None, SearchFilters(), ["acme", "globex"], interval="week", since=START, until=UNTIL,
                     tz=UTC)
    for series in result.brands:
        expected = Counter(label_of(m, series.brand) for m in DOCS if series.brand in m.brands)
        assert {k: v for k, v in series.total.labels.items() if v} == dict(expected)


def test_breakdowns_by_brand_and_by_sentiment_toward_a_brand(index: IndexBackend) -> None:
    by_brand = breakdown(index, None, SearchFilters(), "brand", interval="week", since=START, until=UNTIL, tz=UTC)
    for group in by_brand:
        if group.value is None:
            continue
        expected = Counter(label_of(m, group.value) for m in DOCS if group.value in m.brands)
        got: Counter[str] = Counter()
        for bucket in group.buckets:
            got.update({k: v for k, v in bucket.labels.items() if v})
        assert got == expected
    by_label = breakdown(index, None, SearchFilters(brands=["globex"]), "sentiment", interval="week", since=START,
                         until=UNTIL, tz=UTC)
    expected = Counter(label_of(m, "globex") for m in DOCS if "globex" in m.brands)
    assert {g.value: g.total for g in by_label if g.total} == dict(expected)
    by_source = breakdown(index, None, SearchFilters(brands=["acme"]), "source", interval="week", since=START,
                          until=UNTIL, tz=UTC)
    top = {g.value for g in by_source}
    assert top >= {"news", "forum", "blogs"}
    for group in by_source:
        labels: Counter[str] = Counter()
        for bucket in group.buckets:
            labels.update({k: v for k, v in bucket.labels.items() if v})
        mine = [m for m in DOCS if "acme" in m.brands
                and (m.source_name not in top if group.value is None else m.source_name == group.value)]
        assert labels == Counter(label_of(m, "acme") for m in mine)


def test_top_values_count_the_brands_own_sentiment(index: IndexBackend) -> None:
    found = top_values(index, None, SearchFilters(brands=["acme"]), "source", size=5)
    for value in found.values:
        expected = Counter(label_of(m, "acme") for m in DOCS if "acme" in m.brands and m.source_name == value.value)
        assert {k: v for k, v in value.tally.labels.items() if v} == dict(expected)
    brands = top_values(index, None, SearchFilters(), "brand", size=5)
    assert {v.value for v in brands.values} == {"acme", "globex"}
    for value in brands.values:
        expected = Counter(label_of(m, value.value) for m in DOCS if value.value in m.brands)
        assert {k: v for k, v in value.tally.labels.items() if v} == dict(expected)


@pytest.mark.parametrize("sample_size", [300, 6])  # the whole foreground sampled; exact counts from the index
def test_themes_net_sentiment_is_toward_the_brand(index: IndexBackend, sample_size: int) -> None:
    request = ThemeQuery(None, SearchFilters(brands=["globex"]), START + timedelta(days=7), UNTIL,
                         compare_to="all", size=5, min_count=1)
    extractor = extractor_for(parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"},
                                                       {"id": "globex", "name": "Globex", "query": "globex"}]}))
    report = themes(index, request, extractor, sample_size=sample_size)
    assert report.themes
    for theme in report.themes:
        holding = [m for m in DOCS if "globex" in m.brands and request.since <= m.published_at < request.until
                   and theme.term in m.text.lower()]
        assert {k: v for k, v in theme.tally.labels.items() if v} == dict(Counter(label_of(m, "globex")
                                                                                 for m in holding))


def test_alerts_count_the_mentions_negative_toward_their_brand(index: IndexBackend) -> None:
    step = 86_400
    days = int((UNTIL - START).total_seconds() // step)

    def expected(brand: str) -> tuple[list[int], list[int], list[int]]:
        counts, negative, unscored = [0] * days, [0] * days, [0] * days
        for m in DOCS:
            if brand in m.brands:
                day = int((m.published_at - START).total_seconds() // step)
                counts[day] += 1
                negative[day] += label_of(m, brand) == "negative"
                unscored[day] += label_of(m, brand) == "unscored"
        return counts, negative, unscored

    both = fixed_buckets_by_brand(index, ["acme", "globex"], step=step, since=START, until=UNTIL)
    for brand in ("acme", "globex"):
        assert both[brand] == expected(brand)
        assert fixed_buckets(index, None, SearchFilters(brands=[brand]), step=step, since=START,
                             until=UNTIL) == expected(brand)
    assert both["acme"][1] != [sum(1 for m in DOCS if "acme" in m.brands and m.sentiment.label == "negative"
                                   and int((m.published_at - START).total_seconds() // step) == day)
                               for day in range(days)]  # the overall labels would count otherwise


def test_alert_evidence_shows_the_sentiment_toward_the_rules_brand(index: IndexBackend) -> None:
    from workers.alerts.evidence import gather
    from workers.alerts.scope import RuleScope

    config = parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"},
                                      {"id": "globex", "name": "Globex", "query": "globex"}]})
    since = START + timedelta(days=7)
    evidence = gather(index, config, RuleScope(None, SearchFilters(brands=["globex"]), "UTC"), since, UNTIL,
                      negative_first=True)
    window = [m for m in DOCS if "globex" in m.brands and since <= m.published_at < UNTIL]
    assert {k: v for k, v in evidence.sentiment.items() if v} == dict(Counter(label_of(m, "globex") for m in window))
    negative = sum(1 for m in window if label_of(m, "globex") == "negative")
    top = evidence.top_mentions[:min(negative, len(evidence.top_mentions))]
    assert top and all(item.sentiment == "negative" for item in top)
    by_id = {m.id: m for m in DOCS}
    assert all(item.sentiment == label_of(by_id[item.id], "globex") for item in evidence.top_mentions)
    read = [(item.passage, "globex" in by_id[item.id].brand_sentiment) for item in evidence.top_mentions]
    assert all(passage == ("a passage" if own else None) for passage, own in read) and any(own for _, own in read)


def test_the_api_filters_and_shows_the_passages_read(index: IndexBackend, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(create_app(Settings(data_dir=tmp_path), index))
    body = client.get("/api/v1/mentions", params={"brand": "acme", "sentiment": "negative", "limit": "500"}).json()
    expected = {m.id for m in DOCS if "acme" in m.brands and label_of(m, "acme") == "negative"}
    assert {item["id"] for item in body["items"]} == expected and body["total"] == len(expected)
    scored = [item for item in body["items"] if item["brand_sentiment"]]
    assert scored and all(item["brand_sentiment"]["acme"]["label"] == "negative" for item in scored)
    assert scored[0]["brand_sentiment"]["acme"]["passages"] == [{"text": "a passage", "start": 0, "end": 9}]
    trends = client.get("/api/v1/trends", params={"brand": "globex", "interval": "week",
                                                 "since": START.isoformat(), "until": UNTIL.isoformat()}).json()
    negative = sum(b["negative"] for b in trends["buckets"])
    assert negative == sum(1 for m in DOCS if "globex" in m.brands and label_of(m, "globex") == "negative")
