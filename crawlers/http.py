"""One polite HTTP GET for collectors: timeouts, size limit, conditional GET, clear errors.

Every failure leaves as ``SourceError`` with a ``kind`` for source health:
timeout, connection, http_4xx, http_5xx, too_large, bad_url.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import httpx

from earful.errors import SourceError
from earful.settings import Settings

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
# Read timeouts apply per chunk; this caps a server that drips bytes just fast enough.
TOTAL_TIME_FACTOR = 3
ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
          "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
_STATUS_HINTS = {
    401: "the site wants a login; Earful only reads public sources",
    403: "the site refuses us (it may block crawlers); check the URL in a browser",
    404: "nothing is published at this address any more; check the source's url in the config",
    410: "the site removed this address for good; find the new one or disable the source",
    429: "the site is rate-limiting us; give this source a longer interval",
}


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


def check_url(url: str) -> httpx.URL:
    """Parse ``url``; only absolute http(s) URLs pass."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise SourceError(f"{url!r} is not a valid URL ({exc}); fix the source's url",
                          kind="bad_url") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise SourceError(f"{url!r} is not an http(s) URL; only http:// and https:// sources can be fetched",
                          kind="bad_url")
    return parsed


def fetch(url: str, *, settings: Settings, etag: str | None = None, modified: str | None = None,
          truncate: bool = False) -> FetchResult:
    """GET ``url``; with ``truncate`` an oversized body is cut off instead of raising too_large."""
    target = check_url(url)
    headers = {"User-Agent": settings.user_agent, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    try:
        with (httpx.Client(timeout=httpx.Timeout(settings.fetch_timeout), follow_redirects=True,
                           max_redirects=MAX_REDIRECTS, headers=headers) as client,
              client.stream("GET", target) as response):
            return _read(response, url, settings, truncate)
    except httpx.HTTPError as exc:
        raise _translate(exc, url, settings) from exc


def _read(response: httpx.Response, url: str, settings: Settings, truncate: bool) -> FetchResult:
    status = response.status_code
    final_url = str(response.url)
    if status != 304 and not 200 <= status < 300:
        raise _status_error(status, response.reason_phrase, url)
    limit = settings.max_fetch_bytes
    declared = response.headers.get("content-length", "")
    if (not truncate and declared.isdigit() and int(declared) > limit
            and "content-encoding" not in response.headers):
        raise _too_large(url, limit)
    deadline = time.monotonic() + settings.fetch_timeout * TOTAL_TIME_FACTOR
    chunks: list[bytes] = []
    size, truncated = 0, False
    if status != 304:
        for chunk in response.iter_bytes():  # decoded: the limit also stops gzip bombs
            if size + len(chunk) > limit:
                if not truncate:
                    raise _too_large(url, limit)
                chunks.append(chunk[: limit - size])
                truncated = True
                logger.warning("%s: response cut off at %d bytes", url, limit)
                break
            chunks.append(chunk)
            size += len(chunk)
            if time.monotonic() > deadline:
                raise SourceError(f"{url}: the download took longer than "
                                  f"{settings.fetch_timeout * TOTAL_TIME_FACTOR:g}s; the site is very slow, "
                                  "try again later or raise EARFUL_FETCH_TIMEOUT", kind="timeout")
    headers = {name.lower(): value for name, value in response.headers.items()}
    return FetchResult(status=status, body=b"".join(chunks), headers=headers, url=final_url,
                       etag=headers.get("etag"), last_modified=headers.get("last-modified"),
                       truncated=truncated)


def _too_large(url: str, limit: int) -> SourceError:
    return SourceError(f"{url}: the response is larger than {limit} bytes; if this source really is that "
                       "big, raise EARFUL_MAX_FETCH_BYTES", kind="too_large")


def _status_error(status: int, reason: str, url: str) -> SourceError:
    if status >= 500:
        return SourceError(f"{url}: the server failed (HTTP {status} {reason}); this is usually temporary "
                           "and the next run will retry", kind="http_5xx")
    hint = _STATUS_HINTS.get(status, "check the source's url in the config")
    if status < 400:
        hint = f"unexpected status for a feed; {hint}"
    return SourceError(f"{url}: HTTP {status} {reason}; {hint}", kind="http_4xx")


def _translate(exc: httpx.HTTPError, url: str, settings: Settings) -> SourceError:
    if isinstance(exc, httpx.TimeoutException):
        return SourceError(f"{url}: no answer within {settings.fetch_timeout:g}s; the site may be down or "
                           "slow (raise EARFUL_FETCH_TIMEOUT if it is just slow)", kind="timeout")
    if isinstance(exc, httpx.TooManyRedirects):
        return SourceError(f"{url}: more than {MAX_REDIRECTS} redirects; the address may loop, open it in a "
                           "browser and put the final address in the config", kind="bad_url")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return SourceError(f"{url}: redirected to a non-http(s) address ({exc}); put a direct http(s) "
                           "address in the config", kind="bad_url")
    if isinstance(exc, httpx.DecodingError):
        return SourceError(f"{url}: the server sent a corrupt compressed body ({exc}); "
                           "the next run will retry", kind="connection")
    return SourceError(f"{url}: cannot reach the server ({str(exc) or type(exc).__name__}); check the "
                       "address and that the site is up", kind="connection")
