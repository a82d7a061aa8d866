"""Aggregations on the embedded index come back in Elasticsearch 8's shapes."""

from __future__ import annotations

from typing import Any

import pytest

from earful.errors import BadRequest
from search.base import SearchFilters
from search.embedded import EmbeddedIndex

NO_TERMS = {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []}


def rounded(value: Any) -> Any:
    """Floats to 9 places, so sums computed in another order compare equal."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


def labels(label: str) -> dict[str, Any]:
    return {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
            "buckets": [{"key": label, "doc_count": 1}]}


def test_daily_histogram_with_offset_bounds_and_sub_aggs(index: EmbeddedIndex) -> None:
    aggs = {"per_day": {
        "date_histogram": {"field": "published_at", "fixed_interval": "1d", "offset": "-5h",
                           "min_doc_count": 0,
                           "extended_bounds": {"min": "2024-02-27T19:00:00Z", "max": "2024-03-07T19:00:00Z"}},
        "aggs": {"labels": {"terms": {"field": "sentiment_label"}},
                 "mood": {"avg": {"field": "sentiment_score"}},
                 "neg": {"filter": {"term": {"sentiment_label": "negative"}}}}}}
    result = index.aggregate(None, SearchFilters(brands=["acme"]), aggs)
    empty = {"doc_count": 0, "labels": NO_TERMS, "mood": {"value": None}, "neg": {"doc_count": 0}}
    assert rounded(result) == {"per_day": {"buckets": [
        {"key": 1709060400000, "key_as_string": "2024-02-27T19:00:00.000Z", **empty},
        {"key": 1709146800000, "key_as_string": "2024-02-28T19:00:00.000Z", "doc_count": 1,
         "labels": labels("positive"), "mood": {"value": 0.9}, "neg": {"doc_count": 0}},
        {"key": 1709233200000, "key_as_string": "2024-02-29T19:00:00.000Z", "doc_count": 1,
         "labels": labels("negative"), "mood": {"value": -0.6}, "neg": {"doc_count": 1}},
        {"key": 1709319600000, "key_as_string": "2024-03-01T19:00:00.000Z", "doc_count": 1,
         "labels": labels("positive"), "mood": {"value": 0.8}, "neg": {"doc_count": 0}},
        {"key": 1709406000000, "key_as_string": "2024-03-02T19:00:00.000Z", **empty},
        {"key": 1709492400000, "key_as_string": "2024-03-03T19:00:00.000Z", "doc_count": 1,
         "labels": labels("negative"), "mood": {"value": -0.2}, "neg": {"doc_count": 1}},
        {"key": 1709578800000, "key_as_string": "2024-03-04T19:00:00.000Z", **empty},
        {"key": 1709665200000, "key_as_string": "2024-03-05T19:00:00.000Z", "doc_count": 1,
         "labels": labels("positive"), "mood": {"value": 0.5}, "neg": {"doc_count": 0}},
        {"key": 1709751600000, "key_as_string": "2024-03-06T19:00:00.000Z", **empty},
        {"key": 1709838000000, "key_as_string": "2024-03-07T19:00:00.000Z", **empty},
    ]}}


def test_terms_stats_avg_and_ranges(index: EmbeddedIndex) -> None:
    aggs = {
        "brands": {"terms": {"field": "brands"}},
        "top": {"terms": {"field": "brands", "size": 1}},
        "st": {"stats": {"field": "sentiment_score"}},
        "mood": {"avg": {"field": "sentiment.score"}},
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


def test_top_level_filter_and_filters(index: EmbeddedIndex) -> None:
    aggs = {
        "happy_acme": {
            "filter": {"bool": {"filter": [{"term": {"brands": "acme"}}],
                                "must_not": [{"term": {"sentiment_label": "negative"}}]}},
            "aggs": {"mood": {"avg": {"field": "sentiment_score"}}}},
        "not_negative": {"filter": {"bool": {"must_not": {"term": {"sentiment_label": "negative"}}}}},
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


@pytest.mark.parametrize(("aggs", "message"), [
    ({"h": {"date_histogram": {"field": "published_at", "calendar_interval": "day"}}}, "fixed_interval"),
    ({"h": {"date_histogram": {"field": "published_at", "fixed_interval": "1d",
                               "time_zone": "Europe/Berlin"}}}, "offset"),
    ({"h": {"date_histogram": {"field": "published_at", "fixed_interval": "1 day"}}}, "interval"),
    ({"f": {"filter": {"match": {"text": "refund"}}}}, "unsupported filter"),
    ({"f": {"filter": {"range": {"published_at": {"gte": "now-1d"}}}}}, "date math"),
    ({"t": {"terms": {"field": "nope"}}}, "unknown field"),
    ({"t": {"terms": {"field": "lang"}, "avg": {"field": "sentiment_score"}}}, "exactly one"),
    ({"x": {"no_such_agg": {"field": "lang"}}}, "aggregate"),
])
def test_bad_aggregations_are_bad_requests(index: EmbeddedIndex, aggs: dict[str, Any], message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        index.aggregate(None, SearchFilters(), aggs)
