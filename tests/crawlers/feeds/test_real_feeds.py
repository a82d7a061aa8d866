"""FeedCollector over every shared test feed, served by the real HTTP server, checked against feedparser."""

from __future__ import annotations

import html
import io
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
import pytest
from bs4 import BeautifulSoup

from crawlers.feeds.collector import FeedCollector
from crawlers.feeds.config import FeedSource
from earful.models import RawMention
from earful.settings import Settings
from earful.state import SQLiteStateStore

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture
def collector() -> FeedCollector:
    return FeedCollector(Settings(fetch_timeout=10.0))


@pytest.fixture
def state(tmp_path: Path):
    with SQLiteStateStore(tmp_path / "state.sqlite3") as store:
        yield store


def _source(url: str) -> FeedSource:
    return FeedSource(name="acme-news", type="feed", url=url, brand="acme")


def _feedparser(relpath: str, feed_server) -> Any:
    """feedparser's own reading of the same bytes with the same headers (relative links resolved)."""
    headers = feed_server.headers_for(relpath)
    headers["content-location"] = urljoin(feed_server.url(relpath), headers.get("content-location", ""))
    return feedparser.parse(io.BytesIO((DATA / relpath).read_bytes()), response_headers=headers)


def _plain(detail: Any, fallback: Any) -> str:
    """Text of a feedparser title, computed independently of crawlers.feeds."""
    value = detail.get("value", fallback) if detail else (fallback or "")
    if "html" in (detail or {}).get("type", "text/html"):
        value = BeautifulSoup(value, "lxml").get_text() if "<" in value else html.unescape(value)
    return " ".join(value.split())


def _check_mention(mention: RawMention) -> None:
    assert len(mention.id) == 24
    assert mention.source == "feed" and mention.source_name == "acme-news"
    assert mention.brands == ["acme"]
    assert mention.title or mention.text
    assert mention.published_at.tzinfo == UTC
    assert mention.published_at <= mention.collected_at + timedelta(minutes=15)
    assert mention.url is None or mention.url.startswith(("http://", "https://"))


def _collect(collector: FeedCollector, state, feed_server, relpath: str):
    return collector.collect(_source(feed_server.url(relpath)), state)


def test_every_feedparser_test_file(feed_case: dict[str, str], feed_server, collector, state) -> None:
    relpath = f"feeds/{feed_case['path']}"
    result = _collect(collector, state, feed_server, relpath)
    parsed = _feedparser(relpath, feed_server)
    assert len(result.mentions) + sum(result.skipped.values()) == len(parsed.entries)
    assert "invalid_entry" not in result.skipped
    for mention in result.mentions:
        _check_mention(mention)
    if parsed.entries or parsed.version:
        assert result.errors == []
    else:
        assert result.errors and result.mentions == []
    assert result.counts.get("bozo_feed", 0) == int(bool(parsed.bozo))


def test_titles_and_links_match_feedparser(checked_feed_case: dict[str, str], feed_server, collector,
                                           state) -> None:
    relpath = f"feeds/{checked_feed_case['path']}"
    result = _collect(collector, state, feed_server, relpath)
    parsed = _feedparser(relpath, feed_server)
    expected = [(_plain(e.get("title_detail"), e.get("title")), e.get("link")) for e in parsed.entries]
    actual = [(m.title, m.url) for m in result.mentions]
    assert [pair for pair in actual if pair[0]] == [pair for pair in expected if pair[0]]
    assert {url for _, url in actual} <= {link for _, link in expected}


def test_every_real_feed(real_feed_case: dict[str, str], feed_server, collector, state) -> None:
    relpath = f"feeds-real/{real_feed_case['file']}"
    result = _collect(collector, state, feed_server, relpath)
    entries = int(real_feed_case["entries"])
    assert result.errors == []
    assert set(result.skipped) <= {"empty", "duplicate_entry"}, result.skipped
    assert len(result.mentions) + sum(result.skipped.values()) == entries
    assert len(result.mentions) >= entries - 1
    assert len({m.id for m in result.mentions}) == len(result.mentions)
    for mention in result.mentions:
        _check_mention(mention)
        assert "<script" not in mention.text.lower()
    parsed = _feedparser(relpath, feed_server)
    titles = [_plain(e.get("title_detail"), e.get("title")) for e in parsed.entries]
    if not result.skipped:
        assert [" ".join(m.title.split()) for m in result.mentions] == titles
    language = real_feed_case.get("language", "").split("-")[0].lower()
    if language:
        assert {m.lang_hint for m in result.mentions} == {language}
