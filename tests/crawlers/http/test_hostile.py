"""fetch against hostile answers from a real server on 127.0.0.1: slow headers, stacked compression bombs,
redirects into private networks and to other schemes, huge headers, cancellation."""

from __future__ import annotations

import ipaddress
import threading
import time
import tracemalloc

import pytest

from crawlers.http import Cancelled, fetch, is_public
from crawlers.http.network import AddressGuard
from earful.errors import SourceError
from earful.settings import Settings
from tests.crawlers.hostile import HostileServer, answer, bomb, drip, header_value, wrap

LIMIT = 1_000_000
BOMB_SIZE = 300 << 20  # 300 MB once decoded; a few KB to a few hundred KB on the wire


@pytest.fixture
def settings() -> Settings:
    return Settings(fetch_timeout=0.5, max_fetch_bytes=LIMIT)


def _timed_failure(url: str, settings: Settings) -> tuple[SourceError, float]:
    started = time.monotonic()
    with pytest.raises(SourceError) as excinfo:
        fetch(url, settings=settings)
    return excinfo.value, time.monotonic() - started


@pytest.mark.parametrize("prefix", [
    b"",  # not even the status line
    b"HTTP/1.1 200 OK\r\n",  # headers one byte at a time
    b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nX-Slow: ",  # inside one header value
    b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\r\n<rss>",  # the body (no length, no end)
    b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n<rss>",
    b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\n",  # a redirect that never finishes
])
def test_a_dripping_server_costs_one_deadline(hostile: HostileServer, settings: Settings, prefix: bytes) -> None:
    byte = b"a" if prefix.endswith((b": ", b"<rss>")) else b"X-A: b\r\n"[:1]
    url = hostile.add(drip(prefix, byte=byte, every=0.1, seconds=20))
    error, elapsed = _timed_failure(url, settings)
    assert error.kind in ("timeout", "connection")
    assert elapsed < settings.fetch_timeout * 3 + 1.0  # the deadline covers headers and body together


def test_header_bytes_trickling_in_ends_at_the_deadline(hostile: HostileServer, settings: Settings) -> None:
    url = hostile.add(drip(b"HTTP/1.1 200 OK\r\n", byte=b"X-Padding: 1\r\n", every=0.2, seconds=20))
    error, elapsed = _timed_failure(url, settings)
    assert error.kind == "timeout" and "in all" in str(error)
    assert elapsed < 2.5


STACKS = [["gzip"], ["gzip", "gzip"], ["gzip", "gzip", "gzip"], ["deflate"], ["raw-deflate"], ["br"],
          ["br", "br"], ["gzip", "br"], ["br", "gzip"], ["deflate", "gzip"], ["gzip", "deflate"],
          ["deflate", "br", "gzip"], ["br", "deflate"], ["raw-deflate", "gzip"]]


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    """Every stack's bomb; stacks that start alike share their (slow) first layers."""
    built: dict[tuple[str, ...], bytes] = {}

    def build(stack: tuple[str, ...]) -> bytes:
        if stack not in built:
            built[stack] = bomb(list(stack), BOMB_SIZE) if len(stack) == 1 else wrap(stack[-1], build(stack[:-1]))
        return built[stack]

    return {"+".join(stack): build(tuple(stack)) for stack in STACKS}


@pytest.mark.parametrize("stack", STACKS, ids=["+".join(s) for s in STACKS])
def test_stacked_compression_bombs_stop_at_the_limit(hostile: HostileServer, settings: Settings,
                                                     bombs: dict[str, bytes], stack: list[str]) -> None:
    body = bombs["+".join(stack)]
    assert len(body) < LIMIT  # small on the wire: only the decoded size can stop it
    url = hostile.add(answer(headers=[("Content-Type", "application/xml"),
                                      ("Content-Encoding", header_value(stack))], body=body))
    tracemalloc.start()
    try:
        error, _ = _timed_failure(url, Settings(fetch_timeout=5, max_fetch_bytes=LIMIT))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind == "too_large"
    assert peak < 8 * LIMIT, f"decoding used {peak / 1e6:.0f} MB for a {LIMIT / 1e6:.0f} MB limit"


@pytest.mark.parametrize("stack", [["gzip", "br"], ["br"], ["deflate", "gzip"]])
def test_stacked_encodings_within_the_limit_are_decoded(hostile: HostileServer, settings: Settings,
                                                        stack: list[str]) -> None:
    from tests.crawlers.hostile import ENCODERS

    plain = b"<rss><channel><title>stacked</title></channel></rss>" * 100
    body = plain
    for name in stack:
        body = b"".join(ENCODERS[name](iter([body])))
    url = hostile.add(answer(headers=[("Content-Encoding", header_value(stack))], body=body))
    assert fetch(url, settings=settings).body == plain


def test_separate_content_encoding_headers_stack_too(hostile: HostileServer, settings: Settings) -> None:
    body = bomb(["gzip", "br"], BOMB_SIZE)
    url = hostile.add(answer(headers=[("Content-Encoding", "gzip"), ("Content-Encoding", "br")], body=body))
    error, _ = _timed_failure(url, settings)
    assert error.kind == "too_large"


@pytest.mark.parametrize("encoding", ["zstd", "compress", "gzip, x-unknown"])
def test_unknown_encodings_are_refused(hostile: HostileServer, settings: Settings, encoding: str) -> None:
    url = hostile.add(answer(headers=[("Content-Encoding", encoding)], body=b"\x00" * 100))
    error, _ = _timed_failure(url, settings)
    assert error.kind == "decoding" and "Content-Encoding" in str(error)


def test_corrupt_compressed_body_is_a_clear_error(hostile: HostileServer, settings: Settings) -> None:
    url = hostile.add(answer(headers=[("Content-Encoding", "gzip")], body=b"\x1f\x8b\x08\x00garbage" * 10))
    error, _ = _timed_failure(url, settings)
    assert error.kind == "decoding"


@pytest.mark.parametrize("lines", [2_000, 100_000])
def test_huge_headers_are_refused(hostile: HostileServer, settings: Settings, lines: int) -> None:
    headers = [(f"X-Filler-{i}", "y" * 40) for i in range(lines)]
    url = hostile.add(answer(headers=headers, body=b"<rss/>"))
    error, _ = _timed_failure(url, Settings(fetch_timeout=5, max_fetch_bytes=LIMIT))
    assert error.kind in ("too_large", "connection")


def _redirect(location: str) -> object:
    return answer("302 Found", headers=[("Location", location)])


@pytest.mark.parametrize("target", [
    "http://10.0.0.1/feed.xml", "http://192.168.1.1/", "http://172.16.5.4:8080/", "http://169.254.169.254/latest/",
    "http://[fe80::1]/", "http://[::1]/", "http://[fc00::1]/", "http://0.0.0.0/", "http://100.64.0.1/",
    "http://[::ffff:10.0.0.1]/", "http://localhost/", "http://127.0.0.2/", "http://224.0.0.1/",
])
def test_redirects_into_private_networks_are_refused(hostile: HostileServer, settings: Settings,
                                                     target: str) -> None:
    url = hostile.add(_redirect(target))  # type: ignore[arg-type]
    error, _ = _timed_failure(url, settings)
    assert error.kind == "bad_url" and "refused" in str(error)


def test_redirect_to_another_local_port_is_refused_and_never_sent(settings: Settings) -> None:
    other = HostileServer()
    try:
        target = other.add(answer(body=b"<rss/>"))
        first = HostileServer()
        try:
            hop = first.add(_redirect(first.add(_redirect(target))))  # type: ignore[arg-type]
            error, _ = _timed_failure(hop, settings)
        finally:
            first.close()
        assert error.kind == "bad_url"
        assert other.hits(target) == 0  # nothing reached the other service
    finally:
        other.close()


def test_redirects_on_the_configured_host_and_port_are_followed(hostile: HostileServer,
                                                                settings: Settings) -> None:
    final = hostile.add(answer(headers=[("Content-Type", "application/xml")], body=b"<rss/>"))
    url = hostile.add(_redirect(hostile.add(_redirect(final[len(hostile.base):]))))  # type: ignore[arg-type]
    result = fetch(url, settings=settings)
    assert result.body == b"<rss/>" and result.url == final


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/feed.xml", "file:///etc/passwd", "gopher://127.0.0.1:6379/_",
                                    "data:text/xml,<rss/>", "javascript:alert(1)", "dict://127.0.0.1:11211/"])
def test_redirects_to_other_schemes_are_refused(hostile: HostileServer, settings: Settings, target: str) -> None:
    url = hostile.add(_redirect(target))  # type: ignore[arg-type]
    error, _ = _timed_failure(url, settings)
    assert error.kind == "bad_url"


def test_redirect_count_is_limited_across_hosts(hostile: HostileServer, settings: Settings) -> None:
    loop = hostile.add(answer(body=b""), path="/loop")
    hostile.add(_redirect("/loop"), path="/loop")  # type: ignore[arg-type]
    error, elapsed = _timed_failure(loop, settings)
    assert error.kind == "bad_url" and "redirects" in str(error)
    assert hostile.hits(loop) == 6  # the first request and five redirects, no more


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("127.9.9.9", False),
    ("10.1.2.3", False), ("172.31.0.1", False), ("192.168.0.1", False), ("169.254.169.254", False),
    ("100.64.1.1", False), ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("fd12::1", False),
    ("::ffff:192.168.0.1", False), ("::ffff:8.8.8.8", True), ("239.1.1.1", False), ("::", False),
])
def test_address_classes(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_a_public_source_may_not_redirect_to_a_private_address() -> None:
    guard = AddressGuard("feeds.example.com", 443)
    guard.check("feeds.example.com", 443, [ipaddress.ip_address("10.0.0.5")])  # the configured one: trusted
    guard.check("cdn.example.net", 443, [ipaddress.ip_address("93.184.216.34")])
    for host, address in (("cdn.example.net", "127.0.0.1"), ("feeds.example.com", "169.254.169.254")):
        port = 443 if host.startswith("cdn") else 8080  # another port of the trusted host is not trusted
        with pytest.raises(SourceError, match="refused"):
            guard.check(host, port, [ipaddress.ip_address(address)])


def test_cancel_ends_a_fetch_at_once(hostile: HostileServer) -> None:
    url = hostile.add(drip(b"HTTP/1.1 200 OK\r\n\r\n", byte=b"a", every=0.05, seconds=30))
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        fetch(url, settings=Settings(fetch_timeout=20), cancel=cancel)
    assert time.monotonic() - started < 1.5
