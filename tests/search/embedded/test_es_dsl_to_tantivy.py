"""ES query DSL -> tantivy query strings, checked as plain values."""

from __future__ import annotations

from typing import Any

import pytest

from earful.errors import BadRequest
from search.embedded.es_dsl_to_tantivy import to_query_string


@pytest.mark.parametrize(("query", "expected"), [
    ({"match_all": {}}, "*"),
    ({"term": {"brands": "acme"}}, '(brands:"acme")'),
    ({"term": {"sentiment.label": {"value": 'say "hi"'}}}, '(sentiment_label:"say \\"hi\\"")'),
    ({"terms": {"lang": ["en", "ru"]}}, '(lang: IN ["en" "ru"])'),
    ({"terms": {"lang": []}}, "(id: IN [])"),
    ({"term": {"sentiment_score": 0.5}}, "(sentiment_score:[0.5 TO 0.5])"),
    ({"range": {"published_at": {"gte": "2024-03-01", "lt": 1709424000000}}},
     "(published_at:[2024-03-01T00:00:00.000Z TO 2024-03-03T00:00:00.000Z})"),
    ({"range": {"sentiment_score": {"gt": -0.2}}}, "(sentiment_score:{-0.2 TO *])"),
    ({"exists": {"field": "lang"}}, "lang:*"),
    ({"bool": {"must_not": [{"term": {"lang": "en"}}]}}, '((* -(lang:"en")))'),
    ({"bool": {"filter": {"term": {"lang": "en"}}, "should": [{"term": {"lang": "ru"}}]}},
     '((+(lang:"en")))'),
    ({"bool": {"should": [{"term": {"lang": "en"}}, {"term": {"lang": "ru"}}]}},
     '((+((lang:"en") OR (lang:"ru"))))'),
    ({"match_phrase": {"text": "Core NETWORK"}}, '(text:"core network")'),
    ({"match_phrase": {"title": {"query": "اكمي يوم"}}}, '(title:"اكمي يوم")'),
    ({"match_phrase": {"text": "!!"}}, "(id: IN [])"),
])
def test_translation(query: dict[str, Any], expected: str) -> None:
    assert to_query_string(query) == expected


@pytest.mark.parametrize("query", [
    {"match": {"text": "x"}}, {"term": {"nope": "x"}}, {"range": {"published_at": {"gte": "now"}}},
    {"range": {"published_at": {"gte": "2024-01-01", "time_zone": "+01:00"}}},
    {"bool": {"should": [{"match_all": {}}], "minimum_should_match": 2}},
    {"term": {"a": 1, "b": 2}}, {"term": {"sentiment_score": "high"}},
    {"match_phrase": {"brands": "acme"}}, {"match_phrase": {"text": 3}},
])
def test_unsupported_queries(query: dict[str, Any]) -> None:
    with pytest.raises(BadRequest):
        to_query_string(query)


def test_elasticsearch_phrases_run_on_the_folded_fields() -> None:
    from search.elasticsearch.aggs import translate_query

    assert translate_query({"match_phrase": {"text": "Acme يوم"}}) == {"match_phrase": {"text_folded": "acme يوم"}}
    assert translate_query({"match_phrase": {"title": {"query": "Ёлка"}}}) == {"match_phrase": {"title_folded": "елка"}}
    with pytest.raises(BadRequest):
        translate_query({"match_phrase": {"lang": "en"}})
