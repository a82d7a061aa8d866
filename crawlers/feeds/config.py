"""The ``feed`` source's config model."""

from __future__ import annotations

from typing import Literal

from pydantic import HttpUrl

from earful.sources import SourceBase


class FeedSource(SourceBase):
    """An RSS/Atom/RDF/JSON feed."""

    type: Literal["feed"]
    url: HttpUrl

    @property
    def target(self) -> str:
        return str(self.url)
