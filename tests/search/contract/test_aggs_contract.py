"""Every aggregation the API uses gives Elasticsearch 8's answer on every backend."""

from __future__ import annotations

from typing import Any

import pytest

from earful.errors import BadRequest
from earful.query.ast import Term
from search.base import IndexBackend, SearchFilters

NO_TERMS = {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []}


def rounded(value: Any) -> Any:
    """Floats to 9 places (sums in another order), and -0.0 as 0.0."""
    if isinstance(value, float):
        return round(value, 9) + 0.0
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


def labels(label: str) -> dict[str, Any]:
    return {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
            "buckets": [{"key": label, "doc_count": 1}]}


def test_daily_histogram_with_offset_bounds_and_sub_aggs(index: IndexBackend) -> None:
    aggs = {"per_day": {
        "date_histogram": {"field": "published_at", "fixed_interval": "1d", "offset": "-5h",
                           "min_doc_count": 0,
                           "extended_bounds": {"min": "2024-02-27T19:00:00Z", "max": "2024-03-07T19:00:00Z"}},
        "aggs": {"labels": {"terms": {"field": "sentiment_label"}},
                 "mood": {"avg": {"field": "sentiment_score"}},
                 "milli": {"sum": {"field": "sentiment_milli"}},
                 "neg": {"filter": {"term": {"sentiment_label": "negative"}}}}}}
    result = index.aggregate(None, SearchFilters(brands=["acme"]), aggs)
    empty = {"doc_count": 0, "labels": NO_TERMS, "mood": {"value": None}, "milli": {"value": 0.0},
             "neg": {"doc_count": 0}}

    def day(key: int, iso: str, label: str, score: float) -> dict[str, Any]:
        return {"key": key, "key_as_string": iso, "doc_count": 1, "labels": labels(label),
                "mood": {"value": score}, "milli": {"value": score * 1000},
                "neg": {"doc_count": int(label == "negative")}}

    assert rounded(result) == {"per_day": {"buckets": [
        {"key": 1709060400000, "key_as_string": "2024-02-27T19:00:00.000Z", **empty},
        day(1709146800000, "2024-02-28T19:00:00.000Z", "positive", 0.9),
        day(1709233200000, "2024-02-29T19:00:00.000Z", "negative", -0.6),
        day(1709319600000, "2024-03-01T19:00:00.000Z", "positive", 0.8),
        {"key": 1709406000000, "key_as_string": "2024-03-02T19:00:00.000Z", **empty},
        day(1709492400000, "2024-03-03T19:00:00.000Z", "negative", -0.2),
        {"key": 1709578800000, "key_as_string": "2024-03-04T19:00:00.000Z", **empty},
        day(1709665200000, "2024-03-05T19:00:00.000Z", "positive", 0.5),
        {"key": 1709751600000, "key_as_string": "2024-03-06T19:00:00.000Z", **empty},
        {"key": 1709838000000, "key_as_string": "2024-03-07T19:00:00.000Z", **empty},
    ]}}


def test_trend_shaped_request(index: IndexBackend) -> None:
    """terms > date_histogram (seconds interval, +ms offset) > sum, as search/trends.py sends it."""
    histogram = {"field": "published_at", "fixed_interval": "86400s", "offset": "+3600000ms", "min_doc_count": 1}
    aggs = {"labels": {"terms": {"field": "sentiment_label", "size": 4},
                       "aggs": {"timeline": {"date_histogram": histogram,
                                             "aggs": {"milli": {"sum": {"field": "sentiment_milli"}}}}}}}
    result = rounded(index.aggregate(None, SearchFilters(langs=["en"]), aggs))
    by_label = {b["key"]: b for b in result["labels"]["buckets"]}
    assert {k: b["doc_count"] for k, b in by_label.items()} == {"negative": 2, "positive": 2}
    assert by_label["negative"]["timeline"]["buckets"] == [
        {"key": 1709254800000, "key_as_string": "2024-03-01T01:00:00.000Z", "doc_count": 1, "milli": {"value": -600.0}},
        {"key": 1709514000000, "key_as_string": "2024-03-04T01:00:00.000Z", "doc_count": 1, "milli": {"value": -200.0}}]


def test_histogram_fills_bounds_when_nothing_matches(index: IndexBackend) -> None:
    aggs = {"h": {"date_histogram": {"field": "published_at", "fixed_interval": "12h", "min_doc_count": 0,
                                     "extended_bounds": {"min": 1709251200000, "max": 1709337600000}}}}
    assert index.aggregate(Term("nothingmatches"), SearchFilters(), aggs) == {"h": {"buckets": [
        {"key": 1709251200000, "key_as_string": "2024-03-01T00:00:00.000Z", "doc_count": 0},
        {"key": 1709294400000, "key_as_string": "2024-03-01T12:00:00.000Z", "doc_count": 0},
        {"key": 1709337600000, "key_as_string": "2024-03-02T00:00:00.000Z", "doc_count": 0},
    ]}}


def test_histogram_without_empty_buckets(index: IndexBackend) -> None:
    aggs = {"h": {"date_histogram": {"field": "published_at", "fixed_interval": "1d", "min_doc_count": 1}}}
    result = index.aggregate(None, SearchFilters(langs=["ru", "ar", "he"]), aggs)
    assert result == {"h": {"buckets": [
        {"key": 1709424000000, "key_as_string": "2024-03-03T00:00:00.000Z", "doc_count": 1},
        {"key": 1709596800000, "key_as_string": "2024-03-05T00:00:00.000Z", "doc_count": 2},
    ]}}


def test_terms_stats_avg_sum_and_ranges(index: IndexBackend) -> None:
    aggs = {
        "brands": {"terms": {"field": "brands"}},
        "top": {"terms": {"field": "brands", "size": 1}},
        "st": {"stats": {"field": "sentiment_score"}},
        "mood": {"avg": {"field": "sentiment.score"}},
        "total": {"sum": {"field": "sentiment_milli"}},
        "bands": {"range": {"field": "sentiment_score",
                            "ranges": [{"to": 0}, {"from": 0, "to": 0.5}, {"from": 0.5, "key": "good"}]}},
        "when": {"range": {"field": "published_at", "ranges": [
            {"to": "2024-03-03T00:00:00Z"}, {"from": "2024-03-03T00:00:00Z", "key": "late"}]}},
    }
    assert rounded(index.aggregate(None, SearchFilters(), aggs)) == {
        "brands": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
            {"key": "acme", "doc_count": 5}, {"key": "globex", "doc_count": 2},
            {"key": "initech", "doc_count": 1}]},
        "top": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 3,
                "buckets": [{"key": "acme", "doc_count": 5}]},
        "st": {"count": 7, "min": -0.6, "max": 0.9, "avg": 0.142857143, "sum": 1.0},
        "mood": {"value": 0.142857143},
        "total": {"value": 1000.0},
        "bands": {"buckets": [
            {"key": "*-0.0", "to": 0.0, "doc_count": 3},
            {"key": "0.0-0.5", "from": 0.0, "to": 0.5, "doc_count": 1},
            {"key": "good", "from": 0.5, "doc_count": 3}]},
        "when": {"buckets": [
            {"key": "*-2024-03-03T00:00:00.000Z", "to": 1709424000000.0,
             "to_as_string": "2024-03-03T00:00:00.000Z", "doc_count": 3},
            {"key": "late", "from": 1709424000000.0, "from_as_string": "2024-03-03T00:00:00.000Z",
             "doc_count": 4}]},
    }


def test_empty_metrics_look_like_elasticsearch(index: IndexBackend) -> None:
    aggs = {"st": {"stats": {"field": "sentiment_score"}}, "mood": {"avg": {"field": "sentiment_score"}},
            "labels": {"terms": {"field": "sentiment_label"}}}
    assert index.aggregate(Term("nothingmatches"), SearchFilters(), aggs) == {
        "st": {"count": 0, "min": None, "max": None, "avg": None, "sum": 0.0},
        "mood": {"value": None}, "labels": NO_TERMS}


def test_top_level_filter_and_filters(index: IndexBackend) -> None:
    aggs = {
        "happy_acme": {
            "filter": {"bool": {"filter": [{"term": {"brands": "acme"}}],
                                "must_not": [{"term": {"sentiment_label": "negative"}}]}},
            "aggs": {"mood": {"avg": {"field": "sentiment_score"}}}},
        "not_negative": {"filter": {"bool": {"must_not": {"term": {"sentiment.label": "negative"}}}}},
        "either": {"filter": {"bool": {"should": [{"terms": {"lang": ["ru", "he"]}},
                                                  {"range": {"sentiment_score": {"gt": 0.85}}}]}}},
        "all": {"filter": {"match_all": {}}},
        "scored": {"filter": {"exists": {"field": "sentiment_score"}}},
        "split": {"filters": {"filters": {
            "neg": {"term": {"sentiment_label": "negative"}},
            "recent": {"range": {"published_at": {"gte": "2024-03-04T00:00:00Z", "lt": 1709683200000}}}}},
            "aggs": {"brands": {"terms": {"field": "brands"}}}},
        "listed": {"filters": {"filters": [{"term": {"source": "reddit"}}, {"match_none": {}}]}},
    }
    result = index.aggregate(None, SearchFilters(), aggs)
    assert rounded(result) == {
        "happy_acme": {"doc_count": 3, "mood": {"value": 0.733333333}},
        "not_negative": {"doc_count": 4},
        "either": {"doc_count": 3},
        "all": {"doc_count": 7},
        "scored": {"doc_count": 7},
        "split": {"buckets": {
            "neg": {"doc_count": 3, "brands": {
                "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                "buckets": [{"key": "acme", "doc_count": 2}, {"key": "initech", "doc_count": 1}]}},
            "recent": {"doc_count": 3, "brands": {
                "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                "buckets": [{"key": "acme", "doc_count": 2}, {"key": "initech", "doc_count": 1}]}}}},
        "listed": {"buckets": [{"doc_count": 1}, {"doc_count": 0}]},
    }


def test_filter_combines_with_query_and_filters(index: IndexBackend) -> None:
    aggs = {"neg": {"filter": {"term": {"sentiment_label": "negative"}}}}
    assert index.aggregate(Term("refund"), SearchFilters(include_duplicates=True), aggs) == {
        "neg": {"doc_count": 3}}


def test_keyed_histogram(index: IndexBackend) -> None:
    aggs = {"h": {"date_histogram": {"field": "published_at", "fixed_interval": "1d", "keyed": True}}}
    result = index.aggregate(None, SearchFilters(langs=["ru"]), aggs)
    assert result == {"h": {"buckets": {"2024-03-03T00:00:00.000Z": {
        "key": 1709424000000, "key_as_string": "2024-03-03T00:00:00.000Z", "doc_count": 1}}}}


def test_no_aggregations_is_an_empty_answer(index: IndexBackend) -> None:
    assert index.aggregate(None, SearchFilters(), {}) == {}


@pytest.mark.parametrize(("aggs", "message"), [
    ({"t": {"terms": {"field": "nope"}}}, "unknown field"),
    ({"f": {"filter": {"term": {"nope": "x"}}}}, "unknown field"),
    ({"t": {"terms": {"field": "lang"}, "avg": {"field": "sentiment_score"}}}, "exactly one"),
    ({"x": {"no_such_agg": {"field": "lang"}}}, "aggregat"),
])
def test_bad_aggregations_are_bad_requests(index: IndexBackend, aggs: dict[str, Any], message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        index.aggregate(None, SearchFilters(), aggs)
