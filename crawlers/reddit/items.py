"""PRAW submissions and comments -> RawMentions.

Only attributes already in a listing's JSON are read (through ``vars``), so building a
mention never makes PRAW fetch a lazy object. A comment's mention has an empty title: its
text, sentiment and brand matching are the commenter's own words, and its URL leads to the
thread. Bodies Reddit replaced by "[deleted]" / "[removed]" are skipped and counted; their
replies are still read. A deleted author becomes None.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import lxml.etree
import lxml.html
from praw.models import Comment, MoreComments

from crawlers.base import CollectResult
from crawlers.reddit.config import RedditSource
from crawlers.text import collapse, html_to_text
from earful.models import Engagement, RawMention, mention_id

logger = logging.getLogger(__name__)

PUBLIC_URL = "https://www.reddit.com"  # mentions link to Reddit itself, whatever API host was used
_GONE = {"[deleted]": "deleted", "[removed]": "removed"}
_BLOCKS = frozenset({"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                     "ul", "ol", "hr"})


def attr(thing: Any, name: str, default: Any = None) -> Any:
    """An attribute from the item's JSON, never triggering a fetch of a lazy PRAW object."""
    return vars(thing).get(name, default)


def fullname(thing: Any) -> str:
    name = attr(thing, "name")
    if isinstance(name, str) and "_" in name:
        return name
    prefix = "t1" if isinstance(thing, Comment) else "t3"
    return f"{prefix}_{attr(thing, 'id')}"


def created(thing: Any) -> float:
    value = attr(thing, "created_utc")
    return float(value) if isinstance(value, (int, float)) else 0.0


def _author(thing: Any) -> str | None:
    author = attr(thing, "author")
    name = getattr(author, "name", author) if author is not None else None
    if not isinstance(name, str) or not name.strip() or name in _GONE:
        return None
    return name.strip()


def _subreddit(thing: Any) -> str | None:
    sub = attr(thing, "subreddit")
    name = getattr(sub, "display_name", sub) if sub is not None else None
    if not isinstance(name, str) or not name:
        prefixed = attr(thing, "subreddit_name_prefixed")
        name = prefixed.removeprefix("r/") if isinstance(prefixed, str) else None
    return name or None


def rendered_text(markup: str) -> str:
    """Plain text of Reddit's rendered markdown: what ``html_to_text`` gives, an order faster.

    Reddit's HTML is small and regular (no scripts or styles), so lxml alone will do; a long
    thread has hundreds of comments.
    """
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return html_to_text(markup)
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br" or tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            if tag in _BLOCKS:
                element.text = "\n" + (element.text or "")
        elif tag in ("td", "th"):
            element.tail = " " + (element.tail or "")
    return collapse(root.text_content())


def _body(thing: Any, markdown_key: str, html_key: str) -> str:
    markup = attr(thing, html_key)
    if isinstance(markup, str) and markup.strip():
        return rendered_text(markup)
    markdown = attr(thing, markdown_key)
    return collapse(markdown) if isinstance(markdown, str) else ""


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class ItemMapper:
    """Builds the mentions of one source's items, counting what it skips in ``result``."""

    def __init__(self, source: RedditSource, result: CollectResult, now: datetime) -> None:
        self.source = source
        self.result = result
        self.now = now
        self.brands = [source.brand] if source.brand else []

    def _gone(self, raw_body: Any) -> bool:
        reason = _GONE.get(raw_body.strip()) if isinstance(raw_body, str) else None
        if reason:
            self.result.skip(reason)
        return reason is not None

    def _published(self, thing: Any) -> datetime:
        stamp = created(thing)
        if stamp <= 0:
            self.result.note("missing_date")
            return self.now
        return datetime.fromtimestamp(stamp, UTC)

    def _mention(self, thing: Any, *, title: str, text: str, permalink: str,
                 engagement: Engagement) -> RawMention:
        sub = _subreddit(thing)
        return RawMention(
            id=mention_id("reddit", fullname(thing)), source="reddit", source_name=self.source.name,
            url=PUBLIC_URL + permalink if permalink.startswith("/") else (permalink or None),
            author=_author(thing), title=title, text=text, published_at=self._published(thing),
            collected_at=self.now, site=f"r/{sub.lower()}" if sub else None, lang_hint=self.source.lang,
            brands=list(self.brands), engagement=engagement)

    def submission(self, post: Any) -> RawMention | None:
        if self._gone(attr(post, "selftext")):
            return None
        title = collapse(attr(post, "title") or "")
        text = _body(post, "selftext", "selftext_html")
        if not title and not text:
            self.result.skip("empty")
            return None
        permalink = attr(post, "permalink") or f"/comments/{attr(post, 'id')}/"
        return self._mention(post, title=title, text=text, permalink=permalink, engagement=Engagement(
            score=_int(attr(post, "score")), comments=_int(attr(post, "num_comments"))))

    def comment(self, comment: Any) -> RawMention | None:
        if self._gone(attr(comment, "body")):
            return None
        text = _body(comment, "body", "body_html")
        if not text:
            self.result.skip("empty")
            return None
        permalink = attr(comment, "permalink")
        if not isinstance(permalink, str) or not permalink:
            link = str(attr(comment, "link_id") or "").removeprefix("t3_")
            permalink = f"/r/{_subreddit(comment)}/comments/{link}/_/{attr(comment, 'id')}/"
        return self._mention(comment, title="", text=text, permalink=permalink,
                             engagement=Engagement(score=_int(attr(comment, "score"))))

    def comments(self, forest: Any, depth: int) -> Iterator[RawMention]:
        """Mentions of the comments in ``forest`` down to ``depth`` levels (1: top-level only).

        "Load more" stubs are not expanded (each would cost a request); their comments are counted.
        """
        stack: list[tuple[Any, int]] = [(item, 1) for item in reversed(list(forest))]
        while stack:
            item, level = stack.pop()
            if isinstance(item, MoreComments):
                self.result.note("comments_not_loaded", max(1, _int(attr(item, "count")) or 0))
                continue
            if not isinstance(item, Comment):
                self.result.skip("invalid_item")
                continue
            try:
                mention = self.comment(item)
            except (ValueError, TypeError) as exc:  # one odd comment must not cost the thread
                logger.warning("reddit %s: skipped comment %s (%s)", self.source.name, attr(item, "id"), exc)
                self.result.skip("invalid_item")
                mention = None
            if mention is not None:
                yield mention
            replies = attr(item, "_replies") or attr(item, "replies") or []
            if level < depth:
                stack.extend((reply, level + 1) for reply in reversed(list(replies)))
            elif len(replies):
                self.result.note("comments_below_depth", _count(replies))


def _count(forest: Any) -> int:
    total = 0
    for item in forest:
        if isinstance(item, MoreComments):
            total += _int(attr(item, "count")) or 0
        else:
            total += 1 + _count(attr(item, "_replies") or [])
    return total
