"""The ``reddit`` source's config model."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from earful.sources import SourceBase


class RedditSource(SourceBase):
    """Reddit through its API (read-only): search for brand terms and/or watch subreddits."""

    type: Literal["reddit"]
    subreddits: list[str] = Field(default_factory=list)  # empty: search all of Reddit
    search: bool = True  # search for each brand's rule terms, newest first
    watch: bool | None = None  # new submissions of the listed subreddits (default: when any are listed)
    comments_depth: int = Field(default=0, ge=0, le=10)  # comment levels collected under matched posts
    limit: int = Field(default=100, ge=1, le=1000)  # items per query and run

    @field_validator("subreddits")
    @classmethod
    def _subreddit_names(cls, value: list[str]) -> list[str]:
        names = []
        for raw in value:
            name = raw.strip().removeprefix("/").removeprefix("r/")
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_]{1,20}", name):
                raise ValueError(f"{raw!r} is not a subreddit name (letters, digits, _; e.g. 'python')")
            names.append(name)
        return names

    @property
    def watches(self) -> bool:
        return bool(self.subreddits) if self.watch is None else self.watch

    @property
    def target(self) -> str:
        where = ", ".join(f"r/{s}" for s in self.subreddits) or "all of Reddit"
        modes = [m for m, on in (("search", self.search), ("new posts", self.watches)) if on]
        return f"{where} ({' + '.join(modes) or 'nothing enabled'})"
