"""The toy source's config model: a local JSON-lines file of posts."""

from __future__ import annotations

from typing import Literal

from earful.sources import SourceBase


class ToySource(SourceBase):
    """Posts from a JSON-lines file, one {"id", "title", "text"} a line."""

    type: Literal["toy"]
    path: str

    @property
    def target(self) -> str:
        return self.path
