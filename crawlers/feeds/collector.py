"""RSS / Atom / RDF / CDF feeds -> RawMentions: conditional GET, forgiving parsing, plain text."""

from __future__ import annotations

import calendar
import hashlib
import io
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser

from crawlers.base import Collector, CollectResult
from crawlers.feeds.config import FeedSource
from crawlers.http import fetch
from crawlers.text import collapse, html_to_text
from crawlers.urls import host
from earful.models import RawMention, mention_id, utcnow
from earful.state import StateStore

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 100_000
MAX_TITLE_CHARS = 1_000
MAX_AUTHOR_CHARS = 200
FUTURE_TOLERANCE = timedelta(minutes=15)  # clock skew we accept before calling a date bogus
# Only these response headers mean something to feedparser once the body is decoded
# (content-encoding, for one, would make it try to gunzip again).
_PASSED_HEADERS = ("content-type", "content-language", "etag", "last-modified")
_LANG = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_]|\s*$)")
_GOOGLE_HOSTS = frozenset({"www.google.com", "google.com"})  # Google Alerts wrap links in /url?url=
_T = TypeVar("_T")


def _raw(data: Any, key: str) -> Any:
    # Plain dict access: FeedParserDict's legacy key mapping warns (DeprecationWarning) for updated*.
    return dict.get(data, key) if isinstance(data, dict) else None


def _detail_text(detail: Any, fallback: Any = "") -> str:
    value = _raw(detail, "value")
    if not isinstance(value, str):
        value = fallback if isinstance(fallback, str) else ""
    kind = _raw(detail, "type") or "text/html"
    return html_to_text(value) if "html" in kind else collapse(value)


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, at a word boundary when there is one nearby."""
    cut = text[: limit - 1]
    space = cut.rfind(" ", max(0, limit - 200))
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


def _lang(value: Any) -> str | None:
    match = _LANG.match(value) if isinstance(value, str) else None
    return match.group(1).lower() if match else None


def _http_url(value: Any, base: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    url = urljoin(base, value.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


class _Feed:
    """Feed-wide facts each entry falls back on."""

    def __init__(self, parsed: Any, source: FeedSource, base_url: str, now: datetime) -> None:
        feed = _raw(parsed, "feed") or {}
        self.source = source
        self.base_url = base_url
        self.now = now
        self.site = host(_http_url(_raw(feed, "link"), base_url)) or host(base_url)
        self.lang = (_lang(_raw(feed, "language")) or _lang(_raw(_raw(feed, "title_detail"), "language"))
                     or _lang(source.lang))
        self.brands = [source.brand] if source.brand else []


def parse_feed(body: bytes, source: FeedSource, *, headers: dict[str, str] | None = None,
               base_url: str | None = None, now: datetime | None = None) -> CollectResult:
    """Mentions from a feed document; bad content is skipped and counted, never raised."""
    result = CollectResult()
    now = now or utcnow()
    base_url = base_url or str(source.url)
    given = {name.lower(): value for name, value in (headers or {}).items()}
    response_headers = {name: given[name] for name in _PASSED_HEADERS if name in given}
    # feedparser resolves relative links against Content-Location; make that the feed's own URL.
    response_headers["content-location"] = urljoin(base_url, given.get("content-location", ""))
    try:
        # A BytesIO, not bytes: feedparser would open() bytes that look like a local file path.
        parsed = feedparser.parse(io.BytesIO(body), response_headers=response_headers)
    except Exception as exc:  # noqa: BLE001 - feedparser should not raise; bad input must not stop a run
        result.errors.append(f"{source.name}: the feed could not be parsed at all ({exc!r})")
        return result
    entries = _raw(parsed, "entries") or []
    if _raw(parsed, "bozo"):
        reason = _raw(parsed, "bozo_exception")
        logger.warning("feed %s is not well-formed (%s); keeping what parses", source.name, reason)
        result.note("bozo_feed")
    if not entries and not _raw(parsed, "version"):
        reason = _raw(parsed, "bozo_exception") or "no RSS, Atom or RDF root element"
        result.errors.append(f"{source.name}: {base_url} did not return a feed ({reason}); check that the "
                             "url points to the RSS/Atom document, not to a web page")
        return result
    feed = _Feed(parsed, source, base_url, now)
    drafts = [draft for entry in entries if (draft := _guarded(_draft, entry, feed, result))]
    _settle_ids(drafts, result)
    seen: set[str] = set()
    for draft in drafts:
        if draft.native in seen:
            result.skip("duplicate_entry")
            continue
        seen.add(draft.native)
        mention = _guarded(_mention, draft, feed, result)
        if mention is not None:
            result.mentions.append(mention)
    return result


def _guarded(step: Callable[[Any, _Feed, CollectResult], _T | None], item: Any, feed: _Feed,
             result: CollectResult) -> _T | None:
    try:
        return step(item, feed, result)
    except Exception as exc:  # noqa: BLE001 - one odd entry must not cost the rest of the feed
        logger.warning("feed %s: skipped an entry that could not be read (%r)", feed.source.name, exc)
        result.skip("invalid_entry")
        return None


@dataclass
class _Draft:
    entry: Any
    title: str
    text: str
    native: str


def _draft(entry: Any, feed: _Feed, result: CollectResult) -> _Draft | None:
    title = _detail_text(_raw(entry, "title_detail"), _raw(entry, "title"))
    text = _text(entry)
    if not title and not text:
        result.skip("empty")
        return None
    return _Draft(entry, title, text, _native_id(entry, title or text))


def _settle_ids(drafts: list[_Draft], result: CollectResult) -> None:
    """An id shared by different entries of one document identifies nothing: add a content hash.

    (Some feeds give every item the same link and no guid.) Entries that are exact copies
    keep equal ids and are dropped as duplicates by the caller.
    """
    counts = Counter(draft.native for draft in drafts)
    for draft in drafts:
        if counts[draft.native] > 1:
            date = _raw(draft.entry, "published") or _raw(draft.entry, "updated") or ""
            digest = hashlib.sha1(f"{draft.title}\x1f{date}\x1f{draft.text}".encode()).hexdigest()
            draft.native = f"{draft.native}#sha1:{digest}"
            result.note("ambiguous_id")


def _mention(draft: _Draft, feed: _Feed, result: CollectResult) -> RawMention:
    entry, title, text = draft.entry, draft.title, draft.text
    if len(title) > MAX_TITLE_CHARS:
        title = _cut(title, MAX_TITLE_CHARS)
        result.note("title_truncated")
    if len(text) > MAX_TEXT_CHARS:
        text = _cut(text, MAX_TEXT_CHARS)
        result.note("text_truncated")
    url = _entry_url(entry, feed.base_url)
    return RawMention(
        id=mention_id(f"feed:{feed.source.name}", draft.native), source="feed",
        source_name=feed.source.name, url=url, author=_author(entry), title=title, text=text,
        published_at=_published(entry, feed.now, result), collected_at=feed.now,
        site=host(url) or feed.site, lang_hint=_entry_lang(entry) or feed.lang, brands=list(feed.brands))


def _entry_url(entry: Any, base: str) -> str | None:
    """The article's own address: FeedBurner's original link, Google Alerts' target, else the link."""
    url = _http_url(_raw(entry, "feedburner_origlink"), base) or _http_url(_raw(entry, "link"), base)
    if url and host(url) in _GOOGLE_HOSTS and urlsplit(url).path == "/url":
        target = parse_qs(urlsplit(url).query).get("url", [""])[0]
        return _http_url(target, base) or url
    return url


def _text(entry: Any) -> str:
    """The fullest body: the longest ``content`` (Atom content, content:encoded), else the summary."""
    contents = [_detail_text(item) for item in _raw(entry, "content") or [] if isinstance(item, dict)]
    best = max(contents, key=len, default="")
    return best or _detail_text(_raw(entry, "summary_detail"), _raw(entry, "summary"))


def _native_id(entry: Any, basis: str) -> str:
    """The feed's own id (guid / atom:id), else the link, else a hash of title and date."""
    for key in ("id", "link"):
        value = _raw(entry, key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    date = _raw(entry, "published") or _raw(entry, "updated") or ""
    return "sha1:" + hashlib.sha1(f"{basis}\x1f{date}".encode()).hexdigest()


def _author(entry: Any) -> str | None:
    name = _raw(_raw(entry, "author_detail"), "name") or _raw(entry, "author")
    name = collapse(name) if isinstance(name, str) else ""
    return name[:MAX_AUTHOR_CHARS] or None


def _published(entry: Any, now: datetime, result: CollectResult) -> datetime:
    when = None
    for key in ("published", "updated", "created"):
        parsed = _raw(entry, f"{key}_parsed")
        if parsed:
            try:  # feedparser's struct_time is UTC; timegm also absorbs a leap second
                when = datetime.fromtimestamp(calendar.timegm(tuple(parsed)[:6]), UTC)
                break
            except (TypeError, ValueError, OverflowError, OSError):
                continue
    if when is None:
        has_raw = any(_raw(entry, key) for key in ("published", "updated", "created"))
        result.note("unparseable_date" if has_raw else "missing_date")
        return now
    if when > now + FUTURE_TOLERANCE:
        result.note("future_date_clamped")
        return now
    return when


def _entry_lang(entry: Any) -> str | None:
    contents = _raw(entry, "content") or [None]
    details = [contents[0], _raw(entry, "summary_detail"), _raw(entry, "title_detail")]
    return _lang(_raw(entry, "language")) or next(
        (lang for lang in (_lang(_raw(d, "language")) for d in details) if lang), None)


def state_key(source: FeedSource) -> str:
    return f"feed:{source.name}"


class FeedCollector(Collector[FeedSource]):
    """Collects one RSS/Atom/RDF feed; remembers ETag / Last-Modified between runs."""

    def collect(self, source: FeedSource, state: StateStore) -> CollectResult:
        key, url = state_key(source), str(source.url)
        saved = state.get(key) or {}
        # Validators belong to the URL they came from; after a config change start afresh.
        same = saved.get("url") == url
        fetched = fetch(url, settings=self.settings, etag=saved.get("etag") if same else None,
                        modified=saved.get("last_modified") if same else None, cancel=self.stop)
        if fetched.not_modified:
            logger.info("feed %s: not modified since the last run", source.name)
            return CollectResult(not_modified=True)
        now = utcnow()
        result = parse_feed(fetched.body, source, headers=fetched.headers, base_url=fetched.url, now=now)
        # No validators for a document that was not a feed: the next run must fetch it again and
        # report the problem again, not hear "304, nothing new" and look healthy.
        validators = {} if result.errors else {"etag": fetched.etag, "last_modified": fetched.last_modified}
        state.set(key, {"url": url, **validators, "fetched_at": now.isoformat()})
        logger.info("feed %s: %d mentions, skipped %s, adjusted %s, %d errors", source.name,
                    len(result.mentions), result.skipped or "none", result.counts or "none",
                    len(result.errors))
        return result
