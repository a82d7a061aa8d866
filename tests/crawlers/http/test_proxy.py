"""Fetching through the proxy the environment names, with a real forward proxy on 127.0.0.1."""

from __future__ import annotations

import base64
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawlers.http import fetch
from crawlers.http.proxy import parse_proxy, proxy_for
from earful.errors import SourceError
from earful.settings import Settings
from tests.http_servers import running

SMALL = "feeds-real/feed-rs/rss_2.0_ilgiornale.xml"
REMOTE = "feeds.example.test"  # a name that only the proxy knows how to reach


class _ForwardProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream = upstream  # where requests for REMOTE really go
        self.seen: list[tuple[str, str, str | None]] = []  # method, target, Proxy-Authorization


class _ProxyHandler(BaseHTTPRequestHandler):
    server: _ForwardProxy

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.server.seen.append(("GET", self.path, self.headers.get("Proxy-Authorization")))
        parts = urlsplit(self.path)
        if parts.hostname != REMOTE:
            self.send_error(502, "unknown host")
            return
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through itself
        with direct.open(f"{self.server.upstream}{parts.path}", timeout=5) as upstream:
            body = upstream.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self) -> None:  # noqa: N802
        self.server.seen.append(("CONNECT", self.path, self.headers.get("Proxy-Authorization")))
        self.send_error(403, "tunnels not allowed here")


@pytest.fixture(autouse=True)
def _no_bypass_list(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def proxy(feed_server) -> Iterator[_ForwardProxy]:
    origin = feed_server.url("")
    with running(_ForwardProxy(origin[:-1] if origin.endswith("/") else origin)) as server:
        yield server


def _remote(feed_server) -> str:
    return f"http://{REMOTE}{urlsplit(feed_server.url(SMALL)).path}"


def test_a_feed_is_fetched_through_the_proxy_with_its_credentials(feed_server, proxy, monkeypatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://alice:s%3Acret@127.0.0.1:{proxy.server_port}")
    result = fetch(_remote(feed_server), settings=Settings(fetch_timeout=5.0))
    assert result.status == 200 and result.body.startswith(b"<?xml")
    method, target, auth = proxy.seen[-1]
    assert (method, target) == ("GET", _remote(feed_server))
    assert auth == "Basic " + base64.b64encode(b"alice:s:cret").decode()


def test_no_proxy_and_loopback_go_direct(feed_server, proxy, monkeypatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_port}")
    assert fetch(feed_server.url(SMALL), settings=Settings(fetch_timeout=5.0)).status == 200
    monkeypatch.setenv("NO_PROXY", f"example.org,{REMOTE}")
    with pytest.raises(SourceError):  # direct: the name does not resolve
        fetch(_remote(feed_server), settings=Settings(fetch_timeout=2.0))
    assert proxy.seen == []


def test_a_proxy_that_refuses_a_tunnel_is_a_clear_source_error(proxy, monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", f"127.0.0.1:{proxy.server_port}")
    with pytest.raises(SourceError) as excinfo:
        fetch(f"https://{REMOTE}/feed.xml", settings=Settings(fetch_timeout=5.0))
    assert excinfo.value.kind == "connection"
    assert "proxy refused" in str(excinfo.value) and "HTTPS_PROXY" in str(excinfo.value)
    assert proxy.seen[-1][:2] == ("CONNECT", f"{REMOTE}:443")


def test_proxy_settings_are_parsed_or_refused_clearly(monkeypatch) -> None:
    assert parse_proxy("proxy.internal:3128").url == "http://proxy.internal:3128"
    assert parse_proxy("http://u:p@[::1]:8080").url == "http://[::1]:8080"
    assert parse_proxy("http://u:p@[::1]:8080").auth == ("u", "p")
    with pytest.raises(SourceError, match="HTTP_PROXY"):
        parse_proxy("socks5://proxy:1080")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    assert proxy_for("https", "news.example.com") == parse_proxy("http://proxy.internal:3128")
    assert proxy_for("https", "localhost") is None and proxy_for("https", "[::1]") is None
    assert proxy_for("http", "news.example.com") is None  # only HTTPS_PROXY is set
