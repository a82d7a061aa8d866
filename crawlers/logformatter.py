"""Scrapy's log lines, without the per-item "Scraped from ..." line unless the crawl logs DEBUG.

Scrapy builds that DEBUG record (with the item attached) for every item even when the log
level then throws it away; Earful yields one item per page, so that is a record per page.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from crawlers.reviews.parse_pool import log_level


class EarfulLogFormatter(LogFormatter):
    def __init__(self, debug: bool = True) -> None:
        super().__init__()
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EarfulLogFormatter:
        return cls(debug=log_level(crawler.settings.get("LOG_LEVEL")) <= logging.DEBUG)

    def scraped(self, item: Any, response: Response | Failure | None,  # type: ignore[override]
                spider: Spider) -> LogFormatterResult | None:
        return super().scraped(item, response, spider) if self.debug else None
