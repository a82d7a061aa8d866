"""The ``review`` source's config model (``type: reviews``, the older spelling, is read the same)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from crawlers.pages.source import PageSource


class ReviewsSource(PageSource):
    """Review pages of one brand on third-party sites (schema.org markup or a profile's selectors)."""

    type: Literal["review"]
    brand: str  # type: ignore[assignment]  # required here: reviews are about this brand
    max_pages: int | None = Field(default=None, ge=1, le=10_000)  # default: the profile's, else 20

    @property
    def target(self) -> str:
        return ", ".join(str(u) for u in self.urls) + (f" (profile {self.profile})" if self.profile else "")
