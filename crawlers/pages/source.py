"""What review and web sources share in their config: start URLs and an optional site profile."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field, HttpUrl

from earful.sources import SiteProfile, SourceBase


class PageSource(SourceBase):
    """A source crawled page by page (Scrapy): listed URLs, read with schema.org markup or a profile."""

    urls: list[HttpUrl] = Field(default_factory=list)
    profile: str | None = None  # name under `profiles:`; without one, schema.org markup is read
    max_pages: int | None = Field(default=None, ge=1, le=10_000)  # default: the profile's, else the spider's

    def start_points(self) -> list[HttpUrl]:
        """Where a crawl can start besides the profile's start_urls."""
        return list(self.urls)

    def check(self, profiles: Mapping[str, SiteProfile]) -> tuple[str, str] | None:
        if self.profile is not None and self.profile not in profiles:
            known = ", ".join(sorted(profiles)) or "none defined"
            return "profile", f"unknown profile {self.profile!r}; profiles: {known}"
        start = profiles[self.profile].start_urls if self.profile else []
        if not (self.start_points() or start):
            return "urls", "give at least one URL (urls, sitemaps, or the profile's start_urls)"
        return None
