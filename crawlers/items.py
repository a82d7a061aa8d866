"""What Earful's spiders yield: one item per page, with its mentions and aggregate ratings.

One item per page rather than per review: Scrapy's per-item machinery (signals, log records,
pipeline tasks) would otherwise cost more than reading the page. Mentions and aggregate ratings
travel as JSON, encoded where the page is read (possibly a worker process): that is what the
collector reads back, so the crawl process neither re-encodes nor copies objects between processes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from earful.models import RawMention


@dataclass
class AggregateItem:
    """A page's overall rating of the item it is about (kept in crawl state and the run's counts)."""

    source_name: str
    url: str
    raw: str | None
    scale: float | None
    normalized: float | None
    rating_count: int | None = None
    review_count: int | None = None
    item_type: str | None = None
    item_name: str | None = None
    syntax: str = ""

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))  # every field is a plain value (asdict's deep copy costs more)


@dataclass
class PageItem:
    url: str
    mentions: list[str] = field(default_factory=list)  # RawMention JSON
    aggregates: list[str] = field(default_factory=list)  # AggregateItem JSON

    def add(self, mention: RawMention) -> bool:
        """Adds the mention, unless it has nothing to show (no text, title or rating): then False."""
        if not (mention.text or mention.title or mention.rating):
            return False
        self.mentions.append(mention.model_dump_json())
        return True

    def add_aggregate(self, aggregate: AggregateItem) -> None:
        self.aggregates.append(json.dumps(aggregate.to_json(), ensure_ascii=False))
