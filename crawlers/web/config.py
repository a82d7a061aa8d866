"""The ``web`` source's config model."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl

from crawlers.pages.source import PageSource


class WebSource(PageSource):
    """Web pages and forum threads, listed or from sitemaps, matched against brand rules."""

    type: Literal["web"]
    sitemaps: list[HttpUrl] = Field(default_factory=list)
    max_pages: int = Field(default=200, ge=1, le=100_000)

    def start_points(self) -> list[HttpUrl]:
        return [*self.urls, *self.sitemaps]

    @property
    def target(self) -> str:
        return ", ".join(str(u) for u in [*self.urls, *self.sitemaps])
