"""kill -9 of real ``earful`` processes at many moments, then a restart: every mention is stored exactly once."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from search.base import SearchFilters, SearchRequest
from search.embedded import EmbeddedIndex
from tests.cli.crash_helpers import big_feed, feed_server, run_and_kill

N = 5000
PARSED = "mentions, skipped"  # the feed collector's log line once the feed is parsed


@pytest.fixture(scope="module")
def served_feed():  # type: ignore[no-untyped-def]
    with feed_server(big_feed(N)) as server:
        yield server


def _env(tmp_path: Path, url: str, **extra: str) -> dict[str, str]:
    config = tmp_path / "earful.yaml"
    config.write_text(yaml.safe_dump({
        "brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
        "sources": [{"name": "big", "type": "feed", "url": url}]}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env.update(EARFUL_DATA_DIR=str(tmp_path / "data"), EARFUL_CONFIG=str(config), EARFUL_BATCH_SIZE="250",
               EARFUL_SENTIMENT_SCORERS="*:vader", **extra)
    return env


def _stored(data_dir: Path) -> tuple[int, int]:
    """(documents, distinct ids) in the index."""
    index = EmbeddedIndex(data_dir / "index", writable=False)
    try:
        filters = SearchFilters(include_duplicates=True)
        total = index.count(filters=filters)
        ids: set[str] = set()
        cursor = None
        while True:
            page = index.search(SearchRequest(filters=filters, sort="oldest", limit=500, cursor=cursor,
                                              highlight=False))
            ids.update(hit.mention.id for hit in page.hits)
            cursor = page.next_cursor
            if not cursor:
                return total, len(ids)
    finally:
        index.close()


@pytest.mark.slow
@pytest.mark.parametrize(("trigger", "delay"), [
    (None, 1.2),  # while starting or fetching
    (PARSED, 0.0),  # right after the feed is parsed, before the first batch is stored
    (PARSED, 0.4),  # while the first batches are stored
    (PARSED, 1.5),  # half way
    (PARSED, 3.0),  # near the end, or after the last batch, before the cursor is saved
])
def test_collect_killed_at_any_moment_loses_nothing(tmp_path: Path, earful_command: str, served_feed,
                                                    trigger: str | None, delay: float) -> None:
    env = _env(tmp_path, served_feed.url)
    run_and_kill([earful_command, "collect", "--once"], env, trigger, delay, tmp_path / "killed.log")
    again = subprocess.run([earful_command, "collect", "--once"], env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert _stored(tmp_path / "data") == (N, N)
    sources = json.loads(subprocess.run([earful_command, "sources", "--json"], env=env, capture_output=True,
                                        text=True, timeout=60).stdout)
    assert sources[0]["status"] in ("ok", "not_modified") and not sources[0]["last_error"]


@pytest.mark.slow
def test_repeated_kills_then_a_clean_run_store_each_mention_once(tmp_path: Path, earful_command: str,
                                                                 served_feed) -> None:
    env = _env(tmp_path, served_feed.url)
    for n, delay in enumerate((0.2, 0.7, 1.1, 0.05)):
        run_and_kill([earful_command, "collect", "--once"], env, PARSED, delay, tmp_path / f"killed{n}.log")
    again = subprocess.run([earful_command, "collect", "--once"], env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert _stored(tmp_path / "data") == (N, N)


@pytest.mark.slow
@pytest.mark.parametrize(("trigger", "delay"), [
    (PARSED, 0.3),  # while the batch is written (ids held in the refine queue)
    ("[1/1]", 0.0),  # indexed with provisional scores, refiner not started
    ("refining sentiment", 0.0),  # the refiner has just taken its first batch
    ("refining sentiment", 2.0),  # in the middle of refining
])
def test_no_mention_stays_pending_after_a_kill(tmp_path: Path, earful_command: str, trigger: str,
                                              delay: float) -> None:
    from workers.sentiment import is_pending

    with feed_server(big_feed(40, words_per_item=30)) as server:
        env = _env(tmp_path, server.url)
        del env["EARFUL_SENTIMENT_SCORERS"]  # the default: e5 refines in the background
        run_and_kill([earful_command, "collect", "--once"], env, trigger, delay, tmp_path / "killed.log")
        again = subprocess.run([earful_command, "collect", "--once"], env=env, capture_output=True, text=True,
                               timeout=600)
    assert again.returncode == 0, again.stderr
    index = EmbeddedIndex(tmp_path / "data" / "index", writable=False)
    try:
        stored = index.search(SearchRequest(filters=SearchFilters(include_duplicates=True), limit=500,
                                            highlight=False)).hits
    finally:
        index.close()
    assert len(stored) == 40
    assert not [hit.mention.id for hit in stored if is_pending(hit.mention.sentiment)]
