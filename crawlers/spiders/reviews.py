"""The ``reviews`` spider: schema.org reviews and aggregate ratings (or a profile's selectors), paged.

    scrapy crawl reviews -a source=NAME                 # a `type: reviews` source in EARFUL_CONFIG
    scrapy crawl reviews -a url=https://... -a brand=acme [-a profile=NAME] [-a max_pages=5]
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from crawlers.items import PageItem
from crawlers.reviews.config import ReviewsSource
from crawlers.reviews.page import PageResult, ReviewPageReader
from crawlers.reviews.parse_pool import ParsePool, log_level, workers_setting
from crawlers.spiders.base import EarfulSpider

logger = logging.getLogger(__name__)


OUTBOX_PAGES = 16  # pages per item


class ReviewsSpider(EarfulSpider):
    name = "reviews"
    kind = "review"
    _pool: ParsePool | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._outbox: list[PageItem] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReviewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.pool.warm_up()  # page readers boot while Scrapy starts
        return spider

    async def start(self) -> AsyncIterator[Any]:
        self.pool.start_early()
        for url in self.job.start_urls:
            yield Request(url, callback=self.parse, errback=self.on_error, meta={"origin": url, "page": 1})

    @property
    def pool(self) -> ParsePool:
        if self._pool is None:
            assert isinstance(self.job.source, ReviewsSource)
            reader = ReviewPageReader(self.job.source, self.job.profile, self.job.seen, self.started_at)
            settings = getattr(self, "settings", None)  # set once the spider is bound to a crawler
            self._pool = ParsePool(reader, workers_setting(settings.get("EARFUL_PARSE_WORKERS")) if settings else 0,
                                   expected_pages=self.job.max_pages * len(self.job.start_urls),
                                   log_level=log_level(settings.get("LOG_LEVEL")) if settings else logging.INFO)
        return self._pool

    async def parse(self, response: Response, **kwargs: Any) -> list[Any]:
        """The page's item and next request, as a list: a coroutine's list takes Scrapy's cheaper
        synchronous path through the spider middlewares, an async generator's items do not."""
        if not isinstance(response, TextResponse):
            logger.warning("%s: %s is not a web page (%s); skipped", self.source_name, response.url,
                           (response.headers.get("Content-Type") or b"?").decode("latin-1"))
            self.skip("not_html")
            return []
        origin = response.meta.get("origin", response.url)
        result = await self.pool.read(response.url, response.body, response.encoding, origin)
        if result.skipped:
            self.skipped.update(result.skipped)
        if result.notes:
            self.notes.update(result.notes)
        if result.error:
            logger.warning("%s: skipped %s, it could not be read (%s)", self.source_name, response.url,
                           result.error)
            self.skip("broken_page")
            return []
        if result.item is None:
            return []
        self.pages_ok += 1
        for request in self._follow(response, result):
            # Straight to the scheduler, as Scrapy's engine.crawl() is meant for: the spider
            # middlewares' pass over a callback's output (referer, depth, URL length) costs ≈ 5 %
            # of the crawl's CPU, and a same-host next page under the source's own page limit
            # needs none of it (the Referer header is set here; robots.txt, offsite and retry
            # are downloader middlewares and still apply).
            self.crawler.engine.crawl(request)
        output: list[Any] = []
        if result.item.mentions or result.item.aggregates:
            self._outbox.append(result.item)
            if len(self._outbox) >= OUTBOX_PAGES:
                output.append(self.take_outbox())
        return output

    def take_outbox(self) -> PageItem | None:
        """The pages read since the last item, as one item (the pipeline takes the rest at the end).

        Several pages to an item: Scrapy's per-item work (signals, pipeline chain) costs about as
        much as fetching a page, and a collector reads the crawl's items only once it ends.
        """
        if not self._outbox:
            return None
        pages, self._outbox = self._outbox, []
        merged = PageItem(pages[0].url)
        for page in pages:
            merged.mentions.extend(page.mentions)
            merged.aggregates.extend(page.aggregates)
        return merged

    def _follow(self, response: TextResponse, result: PageResult) -> Iterator[Request]:
        """The next page, unless the page limit is reached or this page brought nothing new."""
        page = int(response.meta.get("page", 1))
        target = result.next_url
        if target is None:
            return
        if result.new == 0:
            reason = "only_seen_reviews" if result.found else "no_reviews"
            logger.info("%s: %s has no new reviews; not following %s", self.source_name, response.url, target)
            self.note(f"paging_stopped_{reason}")
            return
        if page >= self.job.max_pages:
            logger.info("%s: page limit (%d) reached at %s", self.source_name, self.job.max_pages, response.url)
            self.note("paging_stopped_page_limit")
            return
        yield Request(target, callback=self.parse, errback=self.on_error, headers={"Referer": response.url},
                      meta={"origin": response.meta.get("origin", response.url), "page": page + 1})

    def summary(self) -> dict[str, Any]:
        summary = super().summary()
        if self._pool is not None and self._pool.read_in_workers:
            summary["counts"]["pages_read_in_workers"] = self._pool.read_in_workers
        return summary

    def closed(self, reason: str) -> None:
        if self._pool is not None:
            if self._pool.read_in_workers:
                logger.info("%s: %d pages read in the crawl process, %d in worker processes", self.source_name,
                            self._pool.read_inline, self._pool.read_in_workers)
            self._pool.close()
