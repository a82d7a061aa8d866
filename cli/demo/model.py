"""The demo corpus item and a compact way to write many of them.

Every text in the demo corpus was written for this project: the brands, people,
places and events are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Sentiment = Literal["positive", "negative", "neutral", "mixed"]
FEEDS = ("news", "wire", "forum", "reviews", "world")
BRAND_IDS = ("acme", "globex", "initech")
SENTIMENTS = ("positive", "negative", "neutral", "mixed")

# (feeds joined by "+", author, hours ago, brand ids joined by ",", sentiment, topic, title, body)
Row = tuple[str, str, float, str, str, str, str, str]


@dataclass(frozen=True)
class Item:
    """One hand-written mention. ``body`` may hold light HTML; ``brands`` is what the rules should match."""

    key: str
    lang: str
    feeds: tuple[str, ...]
    author: str
    hours_ago: float
    brands: frozenset[str]
    sentiment: Sentiment
    topic: str
    title: str
    body: str


def make_items(lang: str, rows: list[Row], prefix: str = "") -> list[Item]:
    """Turn compact rows into items with stable keys (``lang-[prefix]NNN``, in row order)."""
    items = []
    for n, (feeds, author, hours, brands, sentiment, topic, title, body) in enumerate(rows, start=1):
        feed_names = tuple(feeds.split("+"))
        brand_ids = frozenset(b for b in brands.split(",") if b)
        if not set(feed_names) <= set(FEEDS) or not brand_ids <= set(BRAND_IDS):
            raise ValueError(f"{lang}-{prefix}{n:03d}: unknown feed or brand")
        if sentiment not in SENTIMENTS:
            raise ValueError(f"{lang}-{prefix}{n:03d}: unknown sentiment {sentiment!r}")
        items.append(Item(
            key=f"{lang}-{prefix}{n:03d}", lang=lang, feeds=feed_names, author=author, hours_ago=float(hours),
            brands=brand_ids, sentiment=sentiment, topic=topic, title=title, body=body,  # type: ignore[arg-type]
        ))
    return items
