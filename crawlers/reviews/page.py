"""One review page in, its reviews, aggregate ratings and next-page link out.

Kept apart from the spider and free of Scrapy's engine so that it can run in a worker
process (``crawlers.reviews.parse_pool``): everything it takes and returns can be pickled, and the
counts it would have added to the spider come back with the result.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scrapy.http import HtmlResponse

from crawlers.items import AggregateItem, PageItem
from crawlers.pages.dates import parse_date
from crawlers.pages.pagination import next_page_url
from crawlers.pages.schema_org import extract, page_markers, parse_html
from crawlers.reviews.config import ReviewsSource
from crawlers.reviews.ratings import normalize_rating, parse_count
from crawlers.reviews.records import (
    AggregateRecord,
    ReviewRecord,
    aggregate_from_profile,
    records_from_items,
    reviews_from_profile,
)
from crawlers.urls import host
from earful.models import RawMention, mention_id
from earful.sources import SiteProfile

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 100_000
FUTURE_TOLERANCE = timedelta(days=1)  # pages state dates in their own time zone


Wire = tuple[str, list[str] | None, list[str] | None, str | None, int, int, dict[str, int], dict[str, int],
             str | None]


@dataclass
class PageResult:
    """What reading one page gave: the item to deliver, the next page, and counts for the run."""

    url: str
    item: PageItem | None = None
    next_url: str | None = None  # rel=next or the profile's link, on the same host
    found: int = 0  # reviews on the page, including those already seen
    new: int = 0  # reviews not seen before (including any dropped as empty)
    skipped: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    error: str | None = None  # why the page could not be read (with the traceback's last lines)

    def to_wire(self) -> Wire:
        """Plain values for the pipe from a worker: they unpickle ten times faster than the
        dataclass with its Counters and item."""
        item = self.item
        return (self.url, item.mentions if item else None, item.aggregates if item else None, self.next_url,
                self.found, self.new, dict(self.skipped), dict(self.notes), self.error)

    @classmethod
    def from_wire(cls, wire: Wire) -> PageResult:
        url, mentions, aggregates, next_url, found, new, skipped, notes, error = wire
        item = PageItem(url, mentions, aggregates or []) if mentions is not None else None
        return cls(url, item, next_url, found, new, Counter(skipped), Counter(notes), error)


def review_native_id(origin: str, record: ReviewRecord) -> str:
    """The review's own @id (else where it is listed) + author + date + a hash of title and text.

    ``origin`` is the first page of the listing, not the page the review sits on today: new
    reviews push old ones to later pages, and a re-crawl must find the same ids. Author, date
    and text stay in even with an @id, because some sites give every review the same one.
    """
    where = record.item_id if record.item_id and not record.item_id.startswith("_:") else origin
    digest = hashlib.sha1(f"{record.title}\x1f{record.text}".encode()).hexdigest()
    return "\x1f".join([where, record.author or "", record.date or "", digest])


class ReviewPageReader:
    """Reads the pages of one review source; ``seen`` holds the ids delivered by earlier runs."""

    def __init__(self, source: ReviewsSource, profile: SiteProfile | None, seen: set[str] | frozenset[str],
                 started_at: datetime) -> None:
        self.source = source
        self.profile = profile
        self.seen = frozenset(seen)
        self.started_at = started_at

    def read(self, url: str, body: bytes, encoding: str, origin: str) -> PageResult:
        """Never raises: a page that cannot be read comes back with ``error`` set."""
        result = PageResult(url)
        try:
            root = parse_html(body, encoding)
            if root is None:
                result.skipped["empty_page"] += 1
                return result
            response = HtmlResponse(url, body=body, encoding=encoding)
            marks = page_markers(body, encoding)
            records, aggregates = self._records(response, root, marks)
            result.found = len(records)
            result.item = self._item(result, url, origin, root, records, aggregates)
            profile_next = self.profile.next_page if self.profile else None
            target = next_page_url(response, profile_next, root, markers=marks)
            if target is not None and host(target) != host(url):
                result.notes["next_page_offsite"] += 1  # on blogs rel=next is often the next article elsewhere
                target = None
            result.next_url = target
        except Exception as exc:  # noqa: BLE001 - one broken page must not stop the crawl
            lines = traceback.format_exception(exc)
            result.error = f"{type(exc).__name__}: {exc}\n{''.join(lines[-3:])}"
            result.item = None
        return result

    def _records(self, response: HtmlResponse, root: Any,
                 marks: bytes | None) -> tuple[list[ReviewRecord], list[AggregateRecord]]:
        profile = self.profile
        records = reviews_from_profile(response, profile) if profile and profile.item else []
        aggregate = aggregate_from_profile(response, profile) if profile else None
        aggregates = [aggregate] if aggregate else []
        if not records or not aggregates:
            marked_reviews, marked_aggregates = records_from_items(extract(root, markers=marks))
            records = records or marked_reviews
            aggregates = aggregates or marked_aggregates
        return records, aggregates

    def _item(self, result: PageResult, url: str, origin: str, root: Any, records: list[ReviewRecord],
              aggregates: list[AggregateRecord]) -> PageItem:
        item = PageItem(url)
        for aggregate in aggregates:
            item.add_aggregate(self._aggregate(result, aggregate, url))
        on_page: set[str] = set()
        source = self.source
        lang = source.lang or page_lang(root)
        site = host(url)
        for record in records:
            mid = mention_id("review", review_native_id(origin, record))
            if mid in on_page:
                result.skipped["duplicate_on_page"] += 1  # the same review in JSON-LD and microdata
                continue
            on_page.add(mid)
            if mid in self.seen:
                result.skipped["already_seen"] += 1
                continue
            result.new += 1
            if not item.add(self._mention(result, mid, record, url, site, lang)):
                logger.info("%s: dropped an empty review on %s: no text, title or rating", source.name, url)
                result.skipped["empty"] += 1
        return item

    def _mention(self, result: PageResult, mid: str, record: ReviewRecord, url: str, site: str | None,
                 lang: str | None) -> RawMention:
        source = self.source
        scale = self.profile.rating_scale if self.profile else None
        rating = normalize_rating(record.rating, record.best, record.worst, default_best=scale)
        if rating.problem and rating.problem != "missing_rating":
            logger.info("%s: review by %s on %s has rating %r (best %r): %s", source.name,
                        record.author, url, record.rating, record.best, rating.problem)
        if rating.problem:
            result.notes[rating.problem] += 1
        now = self.started_at
        published = parse_date(record.date)
        if published is None:
            result.notes["missing_date" if not record.date else "unparseable_date"] += 1
            published = now
        elif published > now + FUTURE_TOLERANCE:
            result.notes["future_date_clamped"] += 1
            published = now
        text = record.text
        if len(text) > MAX_TEXT_CHARS:
            text = text[:MAX_TEXT_CHARS]
            result.notes["text_truncated"] += 1
        return RawMention(  # url: the page showing the review (review "url"s often name the product)
            id=mid, source="review", source_name=source.name, url=url, author=record.author,
            title=record.title[:1000], text=text, published_at=published, collected_at=now,
            site=site, lang_hint=lang, brands=[source.brand] if source.brand else [],
            rating=rating.rating)

    def _aggregate(self, result: PageResult, record: AggregateRecord, url: str) -> AggregateItem:
        scale = self.profile.rating_scale if self.profile else None
        rating = normalize_rating(record.value, record.best, record.worst, default_best=scale)
        if rating.problem and rating.problem != "missing_rating":
            logger.info("%s: aggregate rating %r on %s: %s", self.source.name, record.value, url, rating.problem)
        result.notes["aggregate_ratings"] += 1
        value = rating.rating
        return AggregateItem(
            source_name=self.source.name, url=url, raw=value.raw if value else None,
            scale=value.scale if value else None, normalized=value.normalized if value else None,
            rating_count=parse_count(record.rating_count), review_count=parse_count(record.review_count),
            item_type=record.item_type, item_name=record.item_name, syntax=record.syntax)


def page_lang(root: Any) -> str | None:
    lang = root.getroottree().getroot().get("lang")
    return lang.split("-")[0].strip().lower()[:3] or None if isinstance(lang, str) else None
