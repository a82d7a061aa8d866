"""The ``reddit`` source type: brand searches and subreddits' new posts through Reddit's API (PRAW)."""

from crawlers.reddit.config import RedditSource
from earful.sources import SourceType

SOURCE = SourceType(name="reddit", model=RedditSource, collector="crawlers.reddit.collector:RedditCollector",
                    docs="docs/reddit.md")

__all__ = ["SOURCE", "RedditSource"]
