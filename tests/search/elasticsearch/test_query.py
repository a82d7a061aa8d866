"""Elasticsearch request building, checked as plain data without a cluster."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, ConnectionError, HttpHeaders, NodeConfig
from elasticsearch import ApiError

from earful.errors import BadRequest, IndexUnavailable
from earful.query.ast import And, Near, Not, Or, Phrase, Term
from search.base import SearchFilters
from search.cursor import Signer
from search.elasticsearch import cursor as es_cursor
from search.elasticsearch.aggs import translate_aggs
from search.elasticsearch.client import display_url
from search.elasticsearch.errors import unavailable
from search.elasticsearch.mapping import IndexNames, folded, from_source, to_source, version_of
from search.elasticsearch.query import combine, highlight_query

from ..conftest import CORPUS

EITHER = {"minimum_should_match": 1}


def test_words_become_folded_tokens_on_both_default_fields() -> None:
    assert combine(Term("E-Mail"), SearchFilters(include_duplicates=True)) == {"bool": {"must": [
        {"bool": {"should": [{"match_phrase": {"title_folded": {"query": "e mail"}}},
                             {"match_phrase": {"text_folded": {"query": "e mail"}}}], **EITHER}}]}}


def test_letter_variants_are_folded_before_lookup() -> None:
    assert combine(Term("اکمی", field="title"), SearchFilters(include_duplicates=True)) == {
        "bool": {"must": [{"term": {"title_folded": "اكمي"}}]}}


def test_operators_prefix_and_near() -> None:
    tree = And((Term("refund", prefix=True), Not(Phrase(("gift", "card"), field="text", slop=2)),
                Near(Term("a", field="author"), Term("b", field="author"), 3)))
    assert combine(tree, SearchFilters(include_duplicates=True))["bool"]["must"] == [{"bool": {
        "must": [{"bool": {"should": [{"prefix": {"title_folded": "refund"}}, {"prefix": {"text_folded": "refund"}}],
                           **EITHER}},
                 {"bool": {"should": [{"match_phrase": {"author_folded": {"query": "a b", "slop": 3}}},
                                      {"match_phrase": {"author_folded": {"query": "b a", "slop": 3}}}], **EITHER}}],
        "must_not": [{"match_phrase": {"text_folded": {"query": "gift card", "slop": 2}}}]}}]


def test_keyword_fields_and_purely_negative_trees() -> None:
    assert combine(Or((Term("Globex", field="brand"), Not(Term("www.Example.com", field="site")))),
                   SearchFilters(include_duplicates=True))["bool"]["must"] == [{"bool": {"should": [
                       {"terms": {"brands": ["Globex", "globex"]}},
                       {"bool": {"must": [{"match_all": {}}], "must_not": [{"term": {"site": "example.com"}}]}}],
                       **EITHER}}]


def test_filters_go_in_filter_context_and_duplicates_are_excluded() -> None:
    filters = SearchFilters(brands=["acme"], sources=["reddit"], since=datetime(2024, 3, 1, tzinfo=timezone.utc))
    assert combine(None, filters) == {"bool": {
        "filter": [{"term": {"brands": "acme"}},
                   {"bool": {"should": [{"term": {"source": "reddit"}}, {"term": {"source_name": "reddit"}}], **EITHER}},
                   {"range": {"published_at": {"gte": "2024-03-01T00:00:00+00:00"}}}],
        "must_not": [{"term": {"is_dup": 1}}]}}
    assert combine(None, SearchFilters(include_duplicates=True)) == {"match_all": {}}


def test_highlight_query_uses_the_original_fields() -> None:
    assert highlight_query(Term("Refund")) == {"bool": {"should": [
        {"match_phrase": {"title": {"query": "refund"}}}, {"match_phrase": {"text": {"query": "refund"}}}], **EITHER}}


def test_invalid_trees_are_bad_requests() -> None:
    with pytest.raises(BadRequest, match="same field"):
        combine(Near(Term("a", field="title"), Term("b"), 2), SearchFilters())
    with pytest.raises(BadRequest, match="prefix"):
        combine(Near(Term("a", prefix=True), Term("b"), 2), SearchFilters())
    with pytest.raises(BadRequest, match="cannot be searched as text"):
        combine(Phrase(("a", "b"), field="url"), SearchFilters())


def test_aggregation_field_names_resolve_like_the_embedded_index() -> None:
    aggs: dict[str, Any] = {
        "l": {"terms": {"field": "sentiment.label"}, "aggs": {"m": {"avg": {"field": "sentiment.score"}}}},
        "f": {"filter": {"bool": {"must_not": {"term": {"brand": "acme"}}}}},
        "fs": {"filters": {"filters": [{"exists": {"field": "sentiment"}}]}},
        "when": {"range": {"field": "published_at", "ranges": [{"to": "2024-01-01"}]}}}
    assert translate_aggs(aggs) == {
        "l": {"terms": {"field": "sentiment_label"}, "aggs": {"m": {"avg": {"field": "sentiment_score"}}}},
        "f": {"filter": {"bool": {"must_not": [{"term": {"brands": "acme"}}]}}},
        "fs": {"filters": {"filters": [{"exists": {"field": "sentiment_label"}}]}},
        "when": {"date_range": {"field": "published_at", "ranges": [{"to": "2024-01-01"}]}}}
    with pytest.raises(BadRequest, match="unknown field"):
        translate_aggs({"x": {"avg": {"field": "password"}}})


def test_documents_round_trip_and_carry_the_embedded_fields() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for mention in CORPUS:
        source = to_source(mention, now)
        assert from_source(source) == mention
    source = to_source(CORPUS[0], now)
    assert source["site"] == ["news.example.com", "example.com"] and source["is_dup"] == 0
    assert source["title_folded"] == "acme refund outage" and source["sentiment_milli"] == -600
    assert folded("Привет, МИР! ё") == "привет мир е"


def test_index_names_and_versions() -> None:
    names = IndexNames("acme")
    assert (names.read_alias, names.write_alias, names.first_index(3)) == (
        "acme-mentions", "acme-mentions-write", "acme-mentions-v3-000001")
    assert version_of("acme-mentions-v12-000004", names) == 12
    assert version_of("other-mentions-v1-000001", names) is None


def test_relevance_cursor_round_trip_and_size_limit() -> None:
    signer = Signer(b"k" * 32)
    cursor = es_cursor.RelevanceCursor(after=[1.5, 123, 7], pit="p" * 50)
    assert es_cursor.decode(es_cursor.encode(cursor, signer), signer) == cursor
    long = es_cursor.decode(es_cursor.encode(es_cursor.RelevanceCursor(after=[1.5, 123, 7], pit="p" * 3000),
                                             signer), signer)
    assert long == es_cursor.RelevanceCursor(after=[1.5, 123], pit=None)


def api_error(status: int, error: dict[str, Any]) -> ApiError:
    meta = ApiResponseMeta(status=status, http_version="1.1", headers=HttpHeaders(), duration=0.0,
                           node=NodeConfig("http", "localhost", 9200))
    return ApiError(error["type"], meta=meta, body={"error": {**error, "root_cause": [error]}})


@pytest.mark.parametrize(("exc", "kind", "advice"), [
    (ConnectionError("refused"), IndexUnavailable, "EARFUL_ES_URL"),
    (api_error(401, {"type": "security_exception", "reason": "bad key"}), IndexUnavailable, "EARFUL_ES_API_KEY"),
    (api_error(503, {"type": "unavailable_shards_exception", "reason": "x"}), IndexUnavailable, "_cluster/health"),
    (api_error(404, {"type": "index_not_found_exception", "reason": "no such index"}), IndexUnavailable,
     "start a writer"),
    (api_error(400, {"type": "parsing_exception", "reason": "bad agg"}), BadRequest, "bad agg"),
])
def test_client_errors_say_what_to_check(exc: Exception, kind: type, advice: str) -> None:
    translated = unavailable("http://es:9200", "search", exc)
    assert isinstance(translated, kind) and advice in str(translated)


def test_urls_in_messages_hide_credentials() -> None:
    assert display_url("https://user:secret@es.example.com:9200") == "https://es.example.com:9200"
