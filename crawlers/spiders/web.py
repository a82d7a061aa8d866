"""The ``web`` spider: listed pages and sitemaps → the page's main text, or each post of a forum thread.

    scrapy crawl web -a source=NAME                       # a `type: web` source in EARFUL_CONFIG
    scrapy crawl web -a url="https://a/1 https://a/2" [-a sitemap=https://a/sitemap.xml] [-a brand=acme]

Mentions carry ``source: "web"``; processing matches them against brand rules unless the
source is bound to a brand.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawlers.items import PageItem
from crawlers.pages.dates import parse_date
from crawlers.pages.pagination import next_page_url
from crawlers.pages.schema_org import extract, page_markers
from crawlers.spiders.base import EarfulSpider
from crawlers.urls import host
from crawlers.web.config import WebSource
from crawlers.web.page_text import Post, article_facts, main_text, meta, posts_from_items, posts_from_profile
from earful.models import RawMention, mention_id

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 100_000
MAX_SITEMAPS = 50
FUTURE_TOLERANCE = timedelta(days=1)


class WebSpider(EarfulSpider):
    name = "web"
    kind = "web"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages_requested = 0
        self.sitemaps_requested = 0

    async def start(self) -> AsyncIterator[Any]:
        source = self.job.source
        assert isinstance(source, WebSource)
        for url in self.job.start_urls:
            if request := self._page(url, 1):
                yield request
        for sitemap in source.sitemaps:
            self.sitemaps_requested += 1
            yield Request(str(sitemap), callback=self.parse_sitemap, errback=self.on_error)

    def _page(self, url: str, page: int) -> Request | None:
        if self.pages_requested >= self.job.max_pages:
            self.note("page_limit_reached")
            return None
        self.pages_requested += 1
        return Request(url, callback=self.parse, errback=self.on_error, meta={"page": page})

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except (OSError, ValueError) as exc:
                self.broken_page(response.url, exc)
                return
        try:
            sitemap = Sitemap(body)
        except Exception as exc:  # noqa: BLE001 - lxml raises several kinds on garbage
            self.broken_page(response.url, exc)
            return
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                if self.sitemaps_requested < MAX_SITEMAPS and entry.get("loc"):
                    self.sitemaps_requested += 1
                    yield Request(response.urljoin(entry["loc"]), callback=self.parse_sitemap, errback=self.on_error)
            return
        for entry in sitemap:
            if entry.get("loc") and (request := self._page(response.urljoin(entry["loc"]), 1)):
                yield request

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            logger.warning("%s: %s is not a web page; skipped", self.source_name, response.url)
            self.skip("not_html")
            return
        try:
            mentions, is_thread = self._read(response)
        except Exception as exc:  # noqa: BLE001 - one broken page must not stop the crawl
            self.broken_page(response.url, exc)
            return
        self.pages_ok += 1
        item = PageItem(response.url)
        for mention in mentions:
            if not item.add(mention):
                logger.info("%s: dropped an empty post on %s: no text or title", self.source_name, response.url)
                self.skip("empty")
        if item.mentions:
            yield item
        if is_thread:  # later pages of the same thread
            target = next_page_url(response, self.job.profile.next_page if self.job.profile else None)
            same_site = target is not None and host(target) == host(response.url)
            if target and same_site and (request := self._page(target, int(response.meta.get("page", 1)) + 1)):
                yield request

    def _read(self, response: TextResponse) -> tuple[list[RawMention], bool]:
        items = extract(response.selector.root, markers=page_markers(response.body, response.encoding))
        profile = self.job.profile
        posts = posts_from_profile(response, profile) if profile and profile.item else []
        posts = posts or posts_from_items(items)
        if posts:
            return [self._mention(response, post, thread=True) for post in posts], True
        facts = article_facts(items)
        title = meta(response, "og:title") or facts.get("title") or \
            " ".join((response.xpath("//title/text()").get() or "").split())
        text = main_text(response.selector.root)
        if not text:
            self.skip("no_text")
            return [], False
        date = meta(response, "article:published_time", "og:published_time", "date", "dc.date") or \
            facts.get("date") or response.xpath("//time/@datetime").get()
        author = meta(response, "author", "article:author") or facts.get("author")
        canonical = response.xpath('//link[@rel="canonical"]/@href').get()
        url = response.urljoin(canonical) if canonical else response.url
        page = Post(text=text, title=title, author=author, date=str(date) if date else None, url=url, item_id=url)
        return [self._mention(response, page, thread=False)], False

    def _mention(self, response: TextResponse, post: Post, *, thread: bool) -> RawMention:
        source = self.job.source
        native = post.item_id or (response.urljoin(post.url) if post.url else None)
        if not native or (thread and native == response.url):
            digest = hashlib.sha1(post.text.encode()).hexdigest()
            native = "\x1f".join([response.url, post.author or "", post.date or "", digest])
        published = parse_date(post.date)
        if published is None or published > self.started_at + FUTURE_TOLERANCE:
            self.note("missing_date" if published is None else "future_date_clamped")
            published = self.started_at
        text = post.text
        if len(text) > MAX_TEXT_CHARS:
            text = text[:MAX_TEXT_CHARS]
            self.note("text_truncated")
        lang = response.xpath("/html/@lang").get()
        return RawMention(
            id=mention_id("web", native), source="web", source_name=source.name,
            url=response.urljoin(post.url) if post.url else response.url, author=post.author,
            title=post.title[:1000], text=text, published_at=published, collected_at=self.started_at,
            site=host(response.url), lang_hint=source.lang or (lang.split("-")[0].lower()[:3] if lang else None),
            brands=[source.brand] if source.brand else [])
