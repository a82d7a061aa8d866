"""A downloader middleware that applies fetch's redirect rules to crawls: http(s) only, and a redirect
may reach the start URL's own host and port or public addresses, never a private, loopback or
link-local one (checked on the resolved address before the request is sent)."""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from crawlers.http.network import AddressGuard, Deadline, port_of, resolve
from earful.errors import SourceError

logger = logging.getLogger(__name__)
LOOKUP_SECONDS = 10.0


class RedirectGuardMiddleware:
    """Drops a redirected request whose target the address rules refuse (logged with the reason)."""

    def process_request(self, request: Request) -> None:
        chain = request.meta.get("redirect_urls")
        if not chain:
            return None
        target = urlparse_cached(request)
        if target.scheme not in ("http", "https") or not target.hostname:
            raise IgnoreRequest(f"{chain[0]}: redirected to a non-http(s) address ({request.url[:200]})")
        origin = Request(chain[0])
        start = urlparse_cached(origin)
        guard = AddressGuard(start.hostname or "", port_of(start.scheme, start.port))
        port = port_of(target.scheme, target.port)
        if guard.trusted(target.hostname, port):
            return None
        try:
            guard.check(target.hostname, port, resolve(target.hostname, port, Deadline(LOOKUP_SECONDS)))
        except SourceError as exc:
            logger.warning("%s", exc)
            raise IgnoreRequest(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - a name that does not resolve is not fetched either
            raise IgnoreRequest(f"{request.url[:200]}: cannot resolve the redirect target ({exc})") from None
        return None
