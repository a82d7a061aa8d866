"""One polite HTTP GET for collectors: one deadline, a decoded-size limit, safe redirects, conditional GET.

Every failure leaves as ``SourceError`` with a ``kind`` for source health:
timeout, connection, http_4xx, http_5xx, too_large, bad_url, decoding (and cancelled, when the
process stops meanwhile).
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

import certifi
import httpcore

from crawlers.http.decoding import ACCEPT_ENCODING, decode, decoders
from crawlers.http.errors import status_error, too_large, translate
from crawlers.http.network import AddressGuard, Cancelled, Deadline, GuardedBackend, port_of
from earful.errors import SourceError
from earful.settings import Settings

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
# The whole request (look-up, connect, headers, body, redirects) must end within this many read timeouts.
TOTAL_TIME_FACTOR = 3
MAX_HEADER_BYTES = 64 * 1024  # all response headers together
REDIRECTS = (301, 302, 303, 307, 308)
ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
          "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
_SSL = ssl.create_default_context(cafile=certifi.where())


@dataclass(frozen=True)
class FetchResult:
    """A successful (2xx) or not-modified (304) response."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    url: str = ""  # final URL, after redirects
    etag: str | None = None
    last_modified: str | None = None
    truncated: bool = False

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def check_url(url: str) -> httpcore.URL:
    """Parse ``url``; only absolute http(s) URLs with a host pass."""
    try:
        parsed = httpcore.URL(url)
        valid = parsed.scheme in (b"http", b"https") and bool(parsed.host)
    except Exception as exc:  # noqa: BLE001 - whatever the parser says, the answer is "not a URL"
        raise SourceError(f"{url!r} is not a valid URL ({exc}); fix the source's url", kind="bad_url") from None
    if not valid or any(ch in url for ch in " \t\r\n"):
        raise SourceError(f"{url!r} is not an http(s) URL; only http:// and https:// sources can be fetched",
                          kind="bad_url")
    return parsed


def fetch(url: str, *, settings: Settings, etag: str | None = None, modified: str | None = None,
          truncate: bool = False, cancel: threading.Event | None = None) -> FetchResult:
    """GET ``url``; with ``truncate`` an oversized body is cut off instead of raising too_large.

    ``cancel``: set it to end the fetch early (the process is stopping).
    """
    target = check_url(url)
    deadline = Deadline(settings.fetch_timeout * TOTAL_TIME_FACTOR, cancel)
    guard = AddressGuard(target.host.decode("ascii"), port_of(target.scheme.decode(), target.port))
    headers = {"User-Agent": settings.user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    try:
        with httpcore.ConnectionPool(ssl_context=_SSL, network_backend=GuardedBackend(deadline, guard),
                                     max_connections=1) as pool:
            return _follow(pool, url, headers, settings, deadline, truncate)
    except httpcore.TimeoutException as exc:
        if deadline.cancelled:
            raise Cancelled(url) from None
        raise translate(exc, url, settings.fetch_timeout, deadline) from None
    except httpcore.NetworkError as exc:
        if deadline.cancelled:
            raise Cancelled(url) from None
        raise translate(exc, url, settings.fetch_timeout, deadline) from None
    except httpcore.ProtocolError as exc:
        raise translate(exc, url, settings.fetch_timeout, deadline) from None


def _follow(pool: httpcore.ConnectionPool, url: str, headers: dict[str, str], settings: Settings,
            deadline: Deadline, truncate: bool) -> FetchResult:
    timeouts = {"connect": settings.fetch_timeout, "read": settings.fetch_timeout,
                "write": settings.fetch_timeout, "pool": settings.fetch_timeout}
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        with pool.stream("GET", current, headers=list(headers.items()), extensions={"timeout": timeouts}) as response:
            location = _header(response, "location")
            if response.status in REDIRECTS and location:
                current = _next_hop(current, location, url)
                if hop > 0 or current != url:
                    headers = {k: v for k, v in headers.items() if k not in ("If-None-Match", "If-Modified-Since")}
                continue
            return _read(response, current, url, settings, truncate)
    raise SourceError(f"{url}: more than {MAX_REDIRECTS} redirects; the address may loop, open it in a "
                      "browser and put the final address in the config", kind="bad_url")


def _next_hop(current: str, location: str, origin: str) -> str:
    target = urljoin(current, location.strip())
    try:
        check_url(target)
    except SourceError:
        raise SourceError(f"{origin}: redirected to a non-http(s) address ({target[:200]!r}); put a direct "
                          "http(s) address in the config", kind="bad_url") from None
    return target


def _header(response: httpcore.Response, name: str) -> str | None:
    wanted = name.encode()
    for key, value in response.headers:
        if key.lower() == wanted:
            return value.decode("latin-1")
    return None


def _read(response: httpcore.Response, final_url: str, url: str, settings: Settings,
          truncate: bool) -> FetchResult:
    status = response.status
    reason = response.extensions.get("reason_phrase", b"").decode("latin-1", "replace")
    if status != 304 and not 200 <= status < 300:
        raise status_error(status, reason, url)
    headers: dict[str, str] = {}
    size = 0
    for key, value in response.headers:
        size += len(key) + len(value)
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        headers[name] = f"{headers[name]}, {text}" if name in headers else text
    if size > MAX_HEADER_BYTES:
        raise SourceError(f"{url}: the response headers are larger than {MAX_HEADER_BYTES} bytes; this is not "
                          "a feed server Earful can read", kind="too_large")
    limit = settings.max_fetch_bytes
    declared = headers.get("content-length", "")
    if not truncate and declared.isdigit() and int(declared) > limit and "content-encoding" not in headers:
        raise too_large(url, limit)
    body, truncated = b"", False
    if status != 304:
        body, truncated = _body(response, headers.get("content-encoding", ""), url, limit, truncate)
    return FetchResult(status=status, body=body, headers=headers, url=final_url, etag=headers.get("etag"),
                       last_modified=headers.get("last-modified"), truncated=truncated)


def _body(response: httpcore.Response, encoding: str, url: str, limit: int, truncate: bool) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    cut = [False]
    for piece in decode(_bounded_raw(response, url, limit, truncate, cut), decoders([encoding])):
        if size + len(piece) > limit:
            if not truncate:
                raise too_large(url, limit)
            chunks.append(piece[: limit - size])
            cut[0] = True
            break
        chunks.append(piece)
        size += len(piece)
    if cut[0]:
        logger.warning("%s: response cut off at %d bytes", url, limit)
    return b"".join(chunks), cut[0]


def _bounded_raw(response: httpcore.Response, url: str, limit: int, truncate: bool,
                 cut: list[bool]) -> Iterator[bytes]:
    """The body as sent; what is on the wire may not pass the limit either."""
    received = 0
    for chunk in response.iter_stream():
        if received + len(chunk) > limit:
            if not truncate:
                raise too_large(url, limit)
            cut[0] = True
            yield chunk[: limit - received]
            return
        received += len(chunk)
        yield chunk
