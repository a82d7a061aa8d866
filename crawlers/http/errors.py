"""What a failed fetch tells the operator: HTTP statuses and transport errors as SourceErrors with a kind."""

from __future__ import annotations

import httpcore

from crawlers.http.network import Deadline
from earful.errors import SourceError

_STATUS_HINTS = {
    401: "the site wants a login; Earful only reads public sources",
    403: "the site refuses us (it may block crawlers); check the URL in a browser",
    404: "nothing is published at this address any more; check the source's url in the config",
    410: "the site removed this address for good; find the new one or disable the source",
    429: "the site is rate-limiting us; give this source a longer interval",
}


def too_large(url: str, limit: int) -> SourceError:
    return SourceError(f"{url}: the response is larger than {limit} bytes; if this source really is that "
                       "big, raise EARFUL_MAX_FETCH_BYTES", kind="too_large")


def status_error(status: int, reason: str, url: str) -> SourceError:
    if status >= 500:
        return SourceError(f"{url}: the server failed (HTTP {status} {reason}); this is usually temporary "
                           "and the next run will retry", kind="http_5xx")
    hint = _STATUS_HINTS.get(status, "check the source's url in the config")
    if status < 400:
        hint = f"unexpected status for a feed; {hint}"
    return SourceError(f"{url}: HTTP {status} {reason}; {hint}", kind="http_4xx")


def translate(exc: Exception, url: str, timeout: float, deadline: Deadline) -> SourceError:
    if deadline.expired:
        return SourceError(f"{url}: the request took longer than {deadline.seconds:g}s in all (connect, headers "
                           "and body); the site is very slow, try again later or raise EARFUL_FETCH_TIMEOUT",
                           kind="timeout")
    if isinstance(exc, httpcore.TimeoutException):
        return SourceError(f"{url}: no answer within {timeout:g}s; the site may be down or "
                           "slow (raise EARFUL_FETCH_TIMEOUT if it is just slow)", kind="timeout")
    if isinstance(exc, httpcore.UnsupportedProtocol):
        return SourceError(f"{url}: redirected to a non-http(s) address ({exc}); put a direct http(s) "
                           "address in the config", kind="bad_url")
    if isinstance(exc, httpcore.RemoteProtocolError):
        return SourceError(f"{url}: the server broke the HTTP protocol ({exc}); headers too large or a "
                           "malformed answer", kind="connection")
    return SourceError(f"{url}: cannot reach the server ({str(exc) or type(exc).__name__}); check the "
                       "address and that the site is up", kind="connection")
