"""Downloader middlewares: retries that wait longer each time (and honour Retry-After), and a
robots.txt check that holds for every request waiting on the same robots.txt."""

from __future__ import annotations

import logging
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater

from earful.models import utcnow

logger = logging.getLogger(__name__)


def backoff_delay(attempt: int, base: float, cap: float, retry_after: bytes | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...): base·2^(n-1), or Retry-After."""
    if retry_after:
        text = retry_after.decode("latin-1").strip()
        try:
            return min(cap, max(0.0, float(text)))
        except ValueError:
            try:
                return min(cap, max(0.0, (parsedate_to_datetime(text) - utcnow()).total_seconds()))
            except (TypeError, ValueError):
                pass
    return min(cap, base * 2 ** max(0, attempt - 1))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (same settings), waiting RETRY_BACKOFF_BASE·2^n seconds (≤ RETRY_BACKOFF_MAX)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 0.5)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        await self._wait(retry, response.headers.get("Retry-After"))
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(retry, None)
        return retry

    async def _wait(self, retry: Request, retry_after: bytes | None) -> None:
        delay = backoff_delay(int(retry.meta.get("retry_times", 1)), self.base, self.cap, retry_after)
        if delay > 0:
            logger.debug("waiting %.1fs before retrying %s", delay, retry.url)
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))  # type: ignore[arg-type]


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, safe for many requests waiting on one robots.txt.

    The stock middleware lets every waiting request await the same Deferred; awaiting a Deferred
    replaces its result with None, so from the second waiter on, the parser is None and the
    request goes out unchecked. Here each waiter gets its own Deferred and the result is passed on.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred[RobotParser | None] = Deferred()

            def relay(result: RobotParser | None) -> RobotParser | None:
                waiter.callback(result)
                return result

            pending.addCallback(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)
