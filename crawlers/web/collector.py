"""The web collector: a Scrapy crawl of the ``web`` spider."""

from __future__ import annotations

from crawlers.scrapy_collector import ScrapyCollector
from crawlers.web.config import WebSource


class WebCollector(ScrapyCollector[WebSource]):
    """Pages and forum threads, listed or from sitemaps."""

    spider = "web"
