"""Reviews and aggregate ratings read from schema.org items or from a site profile's selectors."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from crawlers.pages.schema_org import Node, types_of, walk
from crawlers.pages.selectors import first_text, select, texts
from crawlers.pages.values import first, plain

logger = logging.getLogger(__name__)

REVIEW_TYPES = frozenset({"Review", "UserReview", "CriticReview", "EmployerReview", "Recommendation"})
AGGREGATE_TYPES = frozenset({"AggregateRating"})


@dataclass
class ReviewRecord:
    """One review as written on the page; normalising is the caller's job."""

    author: str | None = None
    rating: Any = None  # as written: 5, "4,5", "94"
    best: Any = None
    worst: Any = None
    date: str | None = None
    title: str = ""
    text: str = ""
    url: str | None = None
    item_id: str | None = None
    syntax: str = ""
    item_reviewed: str | None = None  # name of what the review is about, when given


@dataclass
class AggregateRecord:
    """An item's overall rating: value, scale and how many ratings/reviews it sums up."""

    value: Any = None
    best: Any = None
    worst: Any = None
    rating_count: Any = None
    review_count: Any = None
    syntax: str = ""
    item_type: str | None = None
    item_name: str | None = None


def records_from_items(items: list[Node]) -> tuple[list[ReviewRecord], list[AggregateRecord]]:
    """Every Review and AggregateRating, however deeply nested, in page order (one walk)."""
    reviews, aggregates = [], []
    try:
        for node, parent in walk(items):
            types = types_of(node)
            if REVIEW_TYPES.intersection(types):
                reviews.append(_review(node, parent))
            elif AGGREGATE_TYPES.intersection(types):
                aggregates.append(_aggregate(node, parent))
    except RecursionError:  # items nested thousands deep: keep what was read before them
        logger.info("stopped reading schema.org items nested too deeply")
    return reviews, aggregates


def reviews_from_items(items: list[Node]) -> list[ReviewRecord]:
    return records_from_items(items)[0]


def aggregates_from_items(items: list[Node]) -> list[AggregateRecord]:
    return records_from_items(items)[1]


def _aggregate(node: Node, parent: Node | None) -> AggregateRecord:
    reviewed = first(node, "itemReviewed")
    about = reviewed if isinstance(reviewed, dict) else parent
    return AggregateRecord(
        value=first(node, "ratingValue"), best=first(node, "bestRating"), worst=first(node, "worstRating"),
        rating_count=first(node, "ratingCount"), review_count=first(node, "reviewCount"),
        syntax=str(node.get("@syntax") or ""), item_type=next(iter(types_of(about)), None) if about else None,
        item_name=plain(first(about, "name")) or None if about else None)


def _review(node: Node, parent: Node | None) -> ReviewRecord:
    rating = first(node, "reviewRating")
    context = first(parent, "aggregateRating") if parent else None  # the item's own scale, if any
    if isinstance(rating, dict):
        value, best, worst = first(rating, "ratingValue"), first(rating, "bestRating"), first(rating, "worstRating")
    else:
        value, best, worst = rating, None, None
    if best is None and isinstance(context, dict) and value is not None:
        best, worst = first(context, "bestRating"), worst if worst is not None else first(context, "worstRating")
    reviewed = first(node, "itemReviewed")
    about = reviewed if isinstance(reviewed, dict) else parent
    date = first(node, "datePublished", "dateCreated", "dateModified")
    url = first(node, "url")
    return ReviewRecord(
        author=plain(node.get("author") or node.get("creator")) or None, rating=value, best=best, worst=worst,
        date=str(date) if date is not None else None, title=plain(first(node, "name", "headline")),
        text=plain(first(node, "reviewBody", "description", "text")),
        url=str(url) if isinstance(url, str) else None,
        item_id=str(node["@id"]) if isinstance(node.get("@id"), str) else None,
        syntax=str(node.get("@syntax") or ""), item_reviewed=plain(first(about, "name")) or None)


def reviews_from_profile(page: Any, profile: Any) -> list[ReviewRecord]:
    """Reviews picked out by a profile's selectors (``page`` is a Scrapy/parsel selector)."""
    if not profile.item:
        return []
    records = []
    for item in select(page, profile.item):
        text = "\n".join(texts(item, profile.text)) if profile.text else ""
        records.append(ReviewRecord(
            author=first_text(item, profile.author), rating=first_text(item, profile.rating),
            best=profile.rating_scale, date=first_text(item, profile.date),
            title=first_text(item, profile.title) or "", text=text, syntax="profile"))
    return records


def aggregate_from_profile(page: Any, profile: Any) -> AggregateRecord | None:
    if not profile.aggregate_rating:
        return None
    value = first_text(page, profile.aggregate_rating)
    if value is None:
        return None
    count = first_text(page, profile.aggregate_count) if profile.aggregate_count else None
    return AggregateRecord(value=value, best=profile.rating_scale, rating_count=count, syntax="profile")
