"""A new source type is its own package plus one registration: the toy type under tests/crawlers/toy
is registered here (as its entry point would), then configured, collected through collect_source
into a real index, and listed wherever source types are listed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from earful.config import parse_config
from earful.errors import ConfigError
from earful.settings import Settings
from earful.sources import register, source_types, unregister
from earful.state import SQLiteStateStore
from search.base import SearchFilters, SearchRequest
from search.embedded import EmbeddedIndex
from tests.crawlers import toy
from workers.collect import collect_source
from workers.health import load_health
from workers.queue import InlineQueue
from workers.runtime import build_processor
from workers.spool import Spool

CONFIG = {"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
          "sources": [{"name": "toy-posts", "type": "toy", "path": ""}]}


@pytest.fixture
def toy_registered() -> Iterator[None]:
    register(toy.SOURCE)
    yield
    unregister("toy")


def test_an_unregistered_type_is_a_config_error_naming_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(CONFIG, file="x.yaml")
    assert "sources[0].type" in str(caught.value) and "'toy'" in str(caught.value)
    assert "'feed'" in str(caught.value)


def test_a_registered_toy_source_is_collected_end_to_end(toy_registered: None, settings: Settings,
                                                          tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text("\n".join([json.dumps({"id": 1, "title": "Acme is great", "text": "love acme"}),
                                "not json",
                                json.dumps({"id": 2, "title": "Globex", "text": "nothing about us"})]),
                     encoding="utf-8")
    config = parse_config({**CONFIG, "sources": [{**CONFIG["sources"][0], "path": str(posts)}]})
    assert "toy" in source_types() and config.sources[0].target == str(posts)
    settings.data_dir.mkdir(parents=True)
    index = EmbeddedIndex(settings.index_dir)
    state = SQLiteStateStore(settings.state_path)
    stats = collect_source(config.sources[0], settings=settings, state=state, config=config,
                           queue=InlineQueue(build_processor(settings, config, index)),
                           spool=Spool(settings.data_dir / "spool"))
    assert (stats.collected, stats.indexed, dict(stats.dropped)) == (3, 1, {"not_json": 1, "no_brand": 1})
    hits = index.search(SearchRequest(filters=SearchFilters(sources=["toy"]))).hits
    assert [(h.mention.source, h.mention.title, h.mention.brands) for h in hits] == [("toy", "Acme is great", ["acme"])]
    assert load_health(state, "toy-posts")["last_status"] == "ok"
    spec = TestClient(create_app(settings, index, state, config=config)).get("/openapi.json").json()
    [source] = [p for p in spec["paths"]["/api/v1/mentions"]["get"]["parameters"] if p["name"] == "source"]
    assert "toy" in source["description"]  # the API's source filter lists the registered types
    state.close()
    index.close()
