"""The ``web`` source type: web pages, sitemaps and forum threads matched against brand rules (Scrapy)."""

from crawlers.web.config import WebSource
from earful.sources import SourceType

SOURCE = SourceType(name="web", model=WebSource, collector="crawlers.web.collector:WebCollector",
                    docs="docs/reviews-and-web.md")

__all__ = ["SOURCE", "WebSource"]
