"""The ``feed`` source type: RSS 0.9x/1.0/2.0, Atom 0.3/1.0, RDF and CDF feeds, fetched with conditional GET."""

from crawlers.feeds.config import FeedSource
from earful.sources import SourceType

SOURCE = SourceType(name="feed", model=FeedSource, collector="crawlers.feeds.collector:FeedCollector",
                    docs="docs/feeds.md")

__all__ = ["SOURCE", "FeedSource"]
