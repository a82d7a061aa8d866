"""Theme candidates from Elasticsearch's significant_text: the documented request and response.

The local emulator has no significant_text, so the backend is also run against a small HTTP
server on 127.0.0.1 that answers as Elasticsearch documents it, and the request it sent is checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from earful.query.ast import Term
from search.base import SearchFilters
from search.elasticsearch import ElasticsearchIndex
from search.elasticsearch.mapping import IndexNames
from search.elasticsearch.significant import (
    SignificantTerm,
    significant_terms,
    significant_text_request,
    unsupported,
)
from tests.http_servers import running

DOCUMENTED = {"took": 9, "timed_out": False, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
              "hits": {"total": {"value": 12857, "relation": "eq"}, "max_score": None, "hits": []},
              "aggregations": {"sample": {"doc_count": 300, "themes": {
                  "doc_count": 300, "bg_count": 25671,
                  "buckets": [{"key": "outage", "doc_count": 63, "score": 0.41, "bg_count": 5148},
                              {"key": "acmebank", "doc_count": 40, "score": 0.2, "bg_count": 900},
                              {"key": "signal", "doc_count": 35, "score": 0.2, "bg_count": 2698}]}}}}


def test_request_shape() -> None:
    body = significant_text_request({"match_all": {}}, {"term": {"brands": "acme"}}, sample_size=300,
                                    size=20, min_doc_count=3, exclude=["the", "acme"])
    assert body == {"size": 0, "query": {"match_all": {}}, "aggs": {"sample": {
        "sampler": {"shard_size": 300},
        "aggs": {"themes": {"significant_text": {
            "field": "text_folded", "size": 20, "min_doc_count": 3,
            "background_filter": {"term": {"brands": "acme"}}, "exclude": ["acme", "the"], "jlh": {}}}}}}}


def test_response_buckets_and_malformed_responses() -> None:
    assert significant_terms(DOCUMENTED)[0] == SignificantTerm("outage", 63, 5148)
    assert significant_terms({"aggregations": {"sample": {}}}) == []
    assert significant_terms({"aggregations": {"sample": {"themes": {"buckets": [{"key": "x"}]}}}}) == []


def test_a_server_without_the_aggregation_is_recognised() -> None:
    assert unsupported(RuntimeError("cannot find significant terms: Elasticsearch rejected the request: "
                                    "parsing_exception: Unknown aggregation type [significant_text]"))
    assert not unsupported(RuntimeError("Elasticsearch rejected the request: unknown field [nope]"))


class _Replay(BaseHTTPRequestHandler):
    bodies: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("content-length") or 0)
        _Replay.bodies.append(json.loads(self.rfile.read(length) or b"{}"))
        payload = json.dumps(DOCUMENTED).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("x-elastic-product", "Elasticsearch")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def replay() -> Iterator[str]:
    _Replay.bodies.clear()
    with running(ThreadingHTTPServer(("127.0.0.1", 0), _Replay)) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


def test_the_backend_sends_the_documented_request_and_reads_the_response(replay: str) -> None:
    index = ElasticsearchIndex(Elasticsearch(replay, request_timeout=5), IndexNames("t"), url=replay, writable=False)
    found = index.significant_terms(Term("down"), SearchFilters(brands=["acme"]), SearchFilters(brands=["acme"]),
                                    exclude=["the"], size=20, sample_size=300, min_count=3)
    assert found == ["outage", "acmebank", "signal"]
    sent = _Replay.bodies[0]
    themes = sent["aggs"]["sample"]["aggs"]["themes"]["significant_text"]
    assert sent["aggs"]["sample"]["sampler"] == {"shard_size": 300} and sent["size"] == 0
    assert themes["field"] == "text_folded" and themes["exclude"] == ["the"]
    assert "brands" in json.dumps(themes["background_filter"]) and "down" in json.dumps(sent["query"])
    index.close()
