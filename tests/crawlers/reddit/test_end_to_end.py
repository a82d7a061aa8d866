"""Reddit sources end to end: collect_source -> processing -> embedded index, and their health."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from earful.config import AppConfig, parse_config
from earful.settings import Settings
from earful.state import SQLiteStateStore
from search.base import SearchRequest
from search.embedded import EmbeddedIndex
from tests.crawlers.reddit.replay import FORBIDDEN, NEW, NOT_FOUND, SEARCH, RedditReplay
from workers.collect import collect_source
from workers.health import load_health
from workers.queue import InlineQueue
from workers.runtime import Runtime, build_processor
from workers.spool import Spool


def app_config(*sources: dict[str, Any]) -> AppConfig:
    return parse_config({"brands": [{"id": "praw", "name": "PRAW", "query": "praw oauth search"}],
                         "sources": [{"type": "reddit", "interval": 60, **s} for s in sources]})


@pytest.fixture
def runtime_factory(settings: Settings) -> Iterator[Any]:
    made: list[Runtime] = []

    def build(replay: RedditReplay, config: AppConfig) -> Runtime:
        wired = replay.settings(settings)
        wired.data_dir.mkdir(parents=True, exist_ok=True)
        index = EmbeddedIndex(wired.index_dir)
        runtime = Runtime(settings=wired, config=config, index=index, state=SQLiteStateStore(wired.state_path),
                          queue=InlineQueue(build_processor(wired, config, index)),
                          spool=Spool(wired.data_dir / "spool"))
        made.append(runtime)
        return runtime

    yield build
    for runtime in made:
        runtime.close()


def run(runtime: Runtime, index: int = 0) -> Any:
    return collect_source(runtime.config.sources[index], settings=runtime.settings, state=runtime.state,
                          queue=runtime.queue, spool=runtime.spool, config=runtime.config)


def test_search_hits_are_matched_stored_and_not_stored_twice(cassettes: Path, runtime_factory: Any) -> None:
    posts = [c["data"] for c in json.loads(json.loads((cassettes / SEARCH).read_text())["interactions"][1]
                                           ["response"]["body"]["string"])["data"]["children"]]
    config = app_config({"name": "reddit-search"})
    with RedditReplay([cassettes / SEARCH]) as replay:
        runtime = runtime_factory(replay, config)
        first = run(runtime)
        second = run(runtime)
    assert first.collected == len(posts) and first.errors == {}
    assert first.collected == first.indexed + sum(first.dropped.values())
    assert first.indexed > 0 and set(first.dropped) <= {"no_brand"}  # the rule filters Reddit's hits
    assert runtime.index.count() == first.indexed - first.duplicates
    stored = [hit.mention for hit in runtime.index.search(SearchRequest(limit=50)).hits]
    assert {m.source for m in stored} == {"reddit"} and {tuple(m.brands) for m in stored} == {("praw",)}
    assert all(m.site and m.site.startswith("r/") and m.url and "reddit.com/r/" in m.url for m in stored)
    assert second.collected == 0 and runtime.index.count() == first.indexed - first.duplicates
    health = load_health(runtime.state, "reddit-search")
    assert health["runs"] == 2 and health["last_status"] == "ok" and health["errors_by_kind"] == {}
    assert health["total_collected"] == len(posts)


def test_failing_subreddits_are_recorded_by_kind_and_the_rest_kept(cassettes: Path, runtime_factory: Any) -> None:
    config = app_config({"name": "reddit-mixed", "brand": "praw",
                         "subreddits": ["ferguson", "announcements", "askreddit"]})
    with RedditReplay([cassettes / FORBIDDEN, cassettes / NOT_FOUND, cassettes / NEW]) as replay:
        runtime = runtime_factory(replay, config)
        stats = run(runtime)
    assert stats.errors == {"forbidden": 1, "not_found": 1}
    assert stats.indexed >= 100 and runtime.index.count() == stats.indexed - stats.duplicates
    health = load_health(runtime.state, "reddit-mixed")
    assert health["last_status"] == "error" and health["last_partial"] is True
    assert health["errors_by_kind"] == {"forbidden": 1, "not_found": 1}
    assert "r/ferguson" in health["last_error"] and "r/announcements" in health["last_error"]


def test_rate_limited_source_waits_as_long_as_reddit_asks(cassettes: Path, runtime_factory: Any) -> None:
    config = app_config({"name": "reddit-limited", "subreddits": ["askreddit"], "search": False})
    with RedditReplay([cassettes / NEW]) as replay:
        replay.add("GET", "/r/askreddit/new", status=429, headers={"Retry-After": "900"},
                   body={"message": "Too Many Requests", "error": 429}, times=1)
        runtime = runtime_factory(replay, config)
        before = datetime.now(timezone.utc)
        limited = run(runtime)
        health = load_health(runtime.state, "reddit-limited")
        recovered = run(runtime)  # the scheduler would wait; run by hand, it collects again
    assert limited.errors == {"rate_limited": 1} and limited.collected == 0
    assert health["last_status"] == "error" and "900" in health["last_error"]
    assert datetime.fromisoformat(health["next_run_at"]) >= before + timedelta(seconds=900)
    assert recovered.collected == 100 and recovered.errors == {}
    assert load_health(runtime.state, "reddit-limited")["errors_by_kind"] == {"rate_limited": 1}


def test_missing_credentials_are_recorded_with_what_to_set(settings: Settings, tmp_path: Path) -> None:
    config = app_config({"name": "reddit-nocreds"})
    index = EmbeddedIndex(tmp_path / "index")
    state = SQLiteStateStore(tmp_path / "state.sqlite3")
    stats = collect_source(config.sources[0], settings=settings, state=state,
                           queue=InlineQueue(build_processor(settings, config, index)),
                           spool=Spool(tmp_path / "spool"), config=config)
    health = load_health(state, "reddit-nocreds")
    state.close()
    index.close()
    assert stats.errors == {"config": 1}
    assert "EARFUL_REDDIT_CLIENT_ID" in health["last_error"]
