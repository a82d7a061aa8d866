"""The review collector: a Scrapy crawl of the ``reviews`` spider; reviews collected before are skipped."""

from __future__ import annotations

from crawlers.reviews.config import ReviewsSource
from crawlers.scrapy_collector import ScrapyCollector


class ReviewsCollector(ScrapyCollector[ReviewsSource]):
    """Reviews of one brand from third-party pages; ids already collected are not collected again."""

    spider = "reviews"
    remembers_seen = True
