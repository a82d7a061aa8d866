"""The ``reviews`` spider: schema.org reviews and aggregate ratings (or a profile's selectors), paged.

    scrapy crawl reviews -a source=NAME                 # a `type: reviews` source in EARFUL_CONFIG
    scrapy crawl reviews -a url=https://... -a brand=acme [-a profile=NAME] [-a max_pages=5]
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawlers.dates import parse_date
from crawlers.items import AggregateItem, PageItem
from crawlers.pagination import next_page_url
from crawlers.ratings import normalize_rating, parse_count
from crawlers.review_records import (
    AggregateRecord,
    ReviewRecord,
    aggregate_from_profile,
    records_from_items,
    reviews_from_profile,
)
from crawlers.schema_org import extract, parse_html
from crawlers.spiders.base import EarfulSpider, host
from earful.config import ReviewsSource
from earful.models import RawMention, mention_id

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 100_000
FUTURE_TOLERANCE = timedelta(days=1)  # pages state dates in their own time zone


def review_native_id(origin: str, record: ReviewRecord) -> str:
    """The review's own @id (else where it is listed) + author + date + a hash of title and text.

    ``origin`` is the first page of the listing, not the page the review sits on today: new
    reviews push old ones to later pages, and a re-crawl must find the same ids. Author, date
    and text stay in even with an @id, because some sites give every review the same one.
    """
    where = record.item_id if record.item_id and not record.item_id.startswith("_:") else origin
    digest = hashlib.sha1(f"{record.title}\x1f{record.text}".encode()).hexdigest()
    return "\x1f".join([where, record.author or "", record.date or "", digest])


class ReviewsSpider(EarfulSpider):
    name = "reviews"
    kind = "reviews"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.job.start_urls:
            yield Request(url, callback=self.parse, errback=self.on_error, meta={"origin": url, "page": 1})

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            logger.warning("%s: %s is not a web page (%s); skipped", self.source_name, response.url,
                           (response.headers.get("Content-Type") or b"?").decode("latin-1"))
            self.skip("not_html")
            return
        try:
            root = parse_html(response.body, response.encoding)
            if root is None:
                self.skip("empty_page")
                return
            records, aggregates = self._read(response, root)
            item = self._page(response, root, records, aggregates)
        except Exception as exc:  # noqa: BLE001 - one broken page must not stop the crawl
            self.broken_page(response.url, exc)
            return
        self.pages_ok += 1
        if item.mentions or item.aggregates:
            yield item
        yield from self._follow(response, root, len(item.mentions), len(records))

    def _read(self, response: TextResponse, root: Any) -> tuple[list[ReviewRecord], list[AggregateRecord]]:
        profile = self.job.profile
        records = reviews_from_profile(response, profile) if profile and profile.item else []
        aggregate = aggregate_from_profile(response, profile) if profile else None
        aggregates = [aggregate] if aggregate else []
        if not records or not aggregates:
            marked_reviews, marked_aggregates = records_from_items(extract(root, markers=response.body))
            records = records or marked_reviews
            aggregates = aggregates or marked_aggregates
        return records, aggregates

    def _page(self, response: TextResponse, root: Any, records: list[ReviewRecord],
              aggregates: list[AggregateRecord]) -> PageItem:
        source = self.job.source
        assert isinstance(source, ReviewsSource)
        origin = response.meta.get("origin", response.url)
        item = PageItem(response.url, aggregates=[self._aggregate(a, response.url) for a in aggregates])
        on_page: set[str] = set()
        lang = source.lang or _page_lang(root)
        for record in records:
            mid = mention_id("review", review_native_id(origin, record))
            if mid in on_page:
                self.skip("duplicate_on_page")  # the same review in JSON-LD and microdata
                continue
            on_page.add(mid)
            if mid in self.job.seen:
                self.skip("already_seen")
                continue
            item.mentions.append(self._mention(mid, record, response, lang))
        return item

    def _mention(self, mid: str, record: ReviewRecord, response: TextResponse, lang: str | None) -> RawMention:
        source = self.job.source
        scale = self.job.profile.rating_scale if self.job.profile else None
        rating = normalize_rating(record.rating, record.best, record.worst, default_best=scale)
        if rating.problem and rating.problem != "missing_rating":
            logger.info("%s: review by %s on %s has rating %r (best %r): %s", self.source_name,
                        record.author, response.url, record.rating, record.best, rating.problem)
        if rating.problem:
            self.note(rating.problem)
        now = self.started_at
        published = parse_date(record.date)
        if published is None:
            self.note("missing_date" if not record.date else "unparseable_date")
            published = now
        elif published > now + FUTURE_TOLERANCE:
            self.note("future_date_clamped")
            published = now
        text = record.text
        if len(text) > MAX_TEXT_CHARS:
            text = text[:MAX_TEXT_CHARS]
            self.note("text_truncated")
        return RawMention(  # url: the page showing the review (review "url"s often name the product)
            id=mid, source="review", source_name=source.name, url=response.url, author=record.author,
            title=record.title[:1000], text=text, published_at=published, collected_at=now,
            site=host(response.url), lang_hint=lang, brands=[source.brand] if source.brand else [],
            rating=rating.rating)

    def _aggregate(self, record: AggregateRecord, url: str) -> AggregateItem:
        scale = self.job.profile.rating_scale if self.job.profile else None
        rating = normalize_rating(record.value, record.best, record.worst, default_best=scale)
        if rating.problem and rating.problem != "missing_rating":
            logger.info("%s: aggregate rating %r on %s: %s", self.source_name, record.value, url, rating.problem)
        self.note("aggregate_ratings")
        value = rating.rating
        return AggregateItem(
            source_name=self.source_name, url=url, raw=value.raw if value else None,
            scale=value.scale if value else None, normalized=value.normalized if value else None,
            rating_count=parse_count(record.rating_count), review_count=parse_count(record.review_count),
            item_type=record.item_type, item_name=record.item_name, syntax=record.syntax)

    def _follow(self, response: TextResponse, root: Any, new: int, found: int) -> Iterator[Request]:
        """The next page, unless the page limit is reached or this page brought nothing new."""
        page = int(response.meta.get("page", 1))
        target = next_page_url(response, self.job.profile.next_page if self.job.profile else None, root)
        if target is None:
            return
        if host(target) != host(response.url):
            self.note("next_page_offsite")  # on blogs rel=next is often the next article elsewhere
            return
        if new == 0:
            reason = "only_seen_reviews" if found else "no_reviews"
            logger.info("%s: %s has no new reviews; not following %s", self.source_name, response.url, target)
            self.note(f"paging_stopped_{reason}")
            return
        if page >= self.job.max_pages:
            logger.info("%s: page limit (%d) reached at %s", self.source_name, self.job.max_pages, response.url)
            self.note("paging_stopped_page_limit")
            return
        yield Request(target, callback=self.parse, errback=self.on_error,
                      meta={"origin": response.meta.get("origin", response.url), "page": page + 1})


def _page_lang(root: Any) -> str | None:
    lang = root.getroottree().getroot().get("lang")
    return lang.split("-")[0].strip().lower()[:3] or None if isinstance(lang, str) else None
