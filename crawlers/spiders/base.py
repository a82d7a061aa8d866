"""What Earful's spiders share: the crawl job, Earful's settings, counts, and failed requests."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers.crawl_job import CrawlJob, job_from_arguments, scrapy_overrides
from earful.models import utcnow
from earful.settings import Settings

logger = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 50


def error_kind(failure: Failure) -> str:
    """A short kind for source health, like the feed fetcher's: http_4xx, timeout, too_large, ..."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status // 100}xx"
    if isinstance(exc, IgnoreRequest):
        return "robots_disallowed" if "robots.txt" in str(exc) else "ignored"
    kinds: list[tuple[type[BaseException], str]] = [
        (DownloadCancelledError, "too_large"), (DownloadTimeoutError, "timeout"),
        (CannotResolveHostError, "connection"), (DownloadConnectionRefusedError, "connection")]
    return next((kind for cls, kind in kinds if isinstance(exc, cls)), "fetch")


class EarfulSpider(scrapy.Spider):
    """Builds its CrawlJob from spider arguments; keeps counts and errors for the run's summary."""

    kind = ""

    def __init__(self, *args: Any, job: str | None = None, source: str | None = None, url: str | None = None,
                 brand: str | None = None, profile: str | None = None, max_pages: str | None = None,
                 sitemap: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.job: CrawlJob = job_from_arguments(self.kind, job=job, source=source, url=url, brand=brand,
                                                profile=profile, max_pages=max_pages, sitemap=sitemap)
        self.skipped: Counter[str] = Counter()
        self.notes: Counter[str] = Counter()
        self.failures: list[dict[str, str]] = []  # pages that could not be fetched: message, kind
        self.error_kinds: Counter[str] = Counter()
        self.pages_ok = 0
        self.started_at = utcnow()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # Earful's settings (environment) as defaults; `-s` on the command line still wins.
        settings.setdict(scrapy_overrides(Settings()), priority="spider")

    @property
    def source_name(self) -> str:
        return self.job.source.name

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] += n

    def note(self, reason: str, n: int = 1) -> None:
        self.notes[reason] += n

    def on_error(self, failure: Failure) -> None:
        """A request that failed for good (after retries): logged, counted, and the crawl goes on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        kind = error_kind(failure)
        if kind == "robots_disallowed":
            logger.info("%s: %s is disallowed by the site's robots.txt; skipped", self.source_name, url)
            self.skip("robots_disallowed")
            return
        message = f"{url}: {kind} ({str(failure.value)[:200] or type(failure.value).__name__})"
        logger.warning("%s: skipped %s", self.source_name, message)
        self.skip(f"page_{kind}")
        self.error_kinds[kind] += 1
        if len(self.failures) < MAX_ERRORS_KEPT:
            self.failures.append({"message": message, "kind": kind})

    def broken_page(self, url: str, exc: BaseException) -> None:
        logger.warning("%s: skipped %s, it could not be read (%s: %s)", self.source_name, url,
                       type(exc).__name__, exc, exc_info=True)
        self.skip("broken_page")

    def summary(self) -> dict[str, Any]:
        return {"skipped": dict(self.skipped), "counts": dict(self.notes), "failures": list(self.failures),
                "error_kinds": dict(self.error_kinds), "pages_ok": self.pages_ok}

