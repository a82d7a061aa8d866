"""The ``review`` source type: reviews of one brand on third-party pages, crawled with Scrapy."""

from crawlers.reviews.config import ReviewsSource
from earful.sources import SourceType

SOURCE = SourceType(name="review", model=ReviewsSource, collector="crawlers.reviews.collector:ReviewsCollector",
                    docs="docs/reviews-and-web.md", aliases=("reviews",))

__all__ = ["SOURCE", "ReviewsSource"]
