"""crawlers.http.fetch against a real server on 127.0.0.1: limits, conditional GET, errors."""

from __future__ import annotations

import gzip
import socket

import pytest

from crawlers.http import MAX_REDIRECTS, fetch
from earful.errors import SourceError
from earful.settings import Settings

BIG = "feeds-real/rss-parser/giantbomb-podcast.rss"  # 1.6 MB
SMALL = "feeds-real/feed-rs/rss_2.0_ilgiornale.xml"


@pytest.fixture
def settings() -> Settings:
    return Settings(fetch_timeout=5.0, max_fetch_bytes=200_000)


def _kind(excinfo: pytest.ExceptionInfo[SourceError]) -> str:
    return excinfo.value.kind


def test_fetch_returns_body_headers_and_validators(feed_server, settings) -> None:
    url = feed_server.url(SMALL)
    result = fetch(url, settings=settings)
    assert result.status == 200 and not result.not_modified and not result.truncated
    assert result.body.startswith(b"<?xml")
    assert result.url == url
    assert result.etag and result.last_modified
    assert result.headers["content-type"] == "application/xml"
    sent = feed_server.requests_for(url)[-1]
    assert sent["user-agent"] == settings.user_agent
    assert "application/rss+xml" in sent["accept"]


def test_conditional_get_gives_304(feed_server, settings) -> None:
    url = feed_server.url(SMALL)
    before = len(feed_server.requests_for(url))
    first = fetch(url, settings=settings)
    by_etag = fetch(url, settings=settings, etag=first.etag)
    assert by_etag.status == 304 and by_etag.not_modified and by_etag.body == b""
    by_date = fetch(url, settings=settings, modified=first.last_modified)
    assert by_date.not_modified
    stale = fetch(url, settings=settings, etag='"something-else"')
    assert stale.status == 200
    headers = feed_server.requests_for(url)[before:]
    assert "if-none-match" not in headers[0]
    assert headers[1]["if-none-match"] == first.etag
    assert headers[2]["if-modified-since"] == first.last_modified


def test_redirects_are_followed(feed_server, settings) -> None:
    result = fetch(feed_server.url(f"_redirect/{MAX_REDIRECTS}/{SMALL}"), settings=settings)
    assert result.status == 200
    assert result.url == feed_server.url(SMALL)


def test_too_many_redirects(feed_server, settings) -> None:
    with pytest.raises(SourceError, match="redirects") as excinfo:
        fetch(feed_server.url(f"_redirect/{MAX_REDIRECTS + 1}/{SMALL}"), settings=settings)
    assert _kind(excinfo) == "bad_url"


def test_redirect_to_other_scheme_is_refused(feed_server, settings) -> None:
    url = feed_server.serve(b"", status=302, headers=[("Location", "ftp://127.0.0.1/feed.xml")])
    with pytest.raises(SourceError) as excinfo:
        fetch(url, settings=settings)
    assert _kind(excinfo) == "bad_url"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/feed.xml", "file:///etc/passwd", "not a url", "http://"])
def test_only_http_urls(url: str, settings) -> None:
    with pytest.raises(SourceError) as excinfo:
        fetch(url, settings=settings)
    assert _kind(excinfo) == "bad_url"


@pytest.mark.parametrize(("status", "kind"), [(404, "http_4xx"), (403, "http_4xx"), (410, "http_4xx"),
                                              (500, "http_5xx"), (503, "http_5xx")])
def test_http_errors(feed_server, settings, status: int, kind: str) -> None:
    url = feed_server.serve(b"oops", status=status, headers=[("Content-Type", "text/plain")])
    with pytest.raises(SourceError, match=f"HTTP {status}") as excinfo:
        fetch(url, settings=settings)
    assert _kind(excinfo) == kind


def test_missing_file_is_404(feed_server, settings) -> None:
    with pytest.raises(SourceError, match=r"any more") as excinfo:
        fetch(feed_server.url("feeds/no-such-file.xml"), settings=settings)
    assert _kind(excinfo) == "http_4xx"


def test_connection_refused(settings) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SourceError, match="cannot reach") as excinfo:
        fetch(f"http://127.0.0.1:{port}/feed.xml", settings=settings)
    assert _kind(excinfo) == "connection"


def test_timeout(feed_server) -> None:
    url = feed_server.serve(b"<rss/>", delay=2.0)
    with pytest.raises(SourceError, match="EARFUL_FETCH_TIMEOUT") as excinfo:
        fetch(url, settings=Settings(fetch_timeout=0.3))
    assert _kind(excinfo) == "timeout"


def test_too_large_by_content_length(feed_server, settings) -> None:
    with pytest.raises(SourceError, match="EARFUL_MAX_FETCH_BYTES") as excinfo:
        fetch(feed_server.url(BIG), settings=settings)
    assert _kind(excinfo) == "too_large"


def test_too_large_while_streaming(feed_server, settings) -> None:
    with pytest.raises(SourceError) as excinfo:
        fetch(feed_server.url(f"_nolength/{BIG}"), settings=settings)
    assert _kind(excinfo) == "too_large"


def test_truncate_instead_of_raising(feed_server, settings) -> None:
    result = fetch(feed_server.url(f"_nolength/{BIG}"), settings=settings, truncate=True)
    assert result.truncated and len(result.body) == settings.max_fetch_bytes


def test_gzip_is_decoded(feed_server, settings) -> None:
    result = fetch(feed_server.url(f"_gzip/{SMALL}"), settings=settings)
    assert result.body.startswith(b"<?xml") and b"Abbas" in result.body


def test_gzip_bomb_hits_the_limit(feed_server, settings) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * 5_000_000)
    assert len(bomb) < settings.max_fetch_bytes
    url = feed_server.serve(bomb, headers=[("Content-Type", "application/xml"), ("Content-Encoding", "gzip")])
    with pytest.raises(SourceError) as excinfo:
        fetch(url, settings=settings)
    assert _kind(excinfo) == "too_large"
