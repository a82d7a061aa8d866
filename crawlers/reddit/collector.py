"""Reddit through PRAW (read-only): brand searches, subreddits' new posts, comments of matched posts.

Each query (one brand search in one scope, or one subreddit's new posts) keeps a cursor in
the state store: the newest item seen (Reddit's ``before=``) and the last ids seen. A run
asks only for items newer than the cursor, oldest pages first, up to the source's
``limit``. Reddit answers ``before=`` with nothing when that item was deleted, so after
``REFRESH_AFTER`` empty answers in a row one run reads the newest items again and keeps
only the unseen ones.

A query that fails is recorded (``CollectResult.failures``) and the others go on; an
authentication failure or a rate limit ends the run, and the error carries how long
Reddit asked us to wait.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import praw
from praw.models import Comment, Listing, Submission

from crawlers.base import Collector, CollectResult
from crawlers.reddit.client import FATAL_KINDS, make_reddit, rate_limit_wait, translate
from crawlers.reddit.config import RedditSource
from crawlers.reddit.items import ItemMapper, attr, created, fullname
from crawlers.reddit.query import reddit_queries
from earful.config import BrandConfig
from earful.errors import SourceError
from earful.models import RawMention, utcnow
from earful.rules import BrandMatcher
from earful.state import StateStore

logger = logging.getLogger(__name__)

PAGE_SIZE = 100  # Reddit's largest page
SEEN_IDS = 300  # ids remembered per query, to drop repeats after a refresh
REFRESH_AFTER = 3  # empty before= answers in a row before re-reading the newest items
PENDING_THREADS = 200  # threads whose comments wait for a later run (after a failure), at most


@dataclass
class Query:
    """One listing Reddit is asked for: ``path`` under the API, ``params`` without paging."""

    key: str
    label: str
    path: str
    params: dict[str, str] = field(default_factory=dict)


def state_key(source: RedditSource) -> str:
    return f"reddit:{source.name}"


def plan(source: RedditSource, brands: list[BrandConfig], result: CollectResult | None = None) -> list[Query]:
    """The queries one run of ``source`` makes, in order."""
    queries: list[Query] = []
    scope = "+".join(source.subreddits) or "all"
    if source.search:
        for brand in brands:
            texts = reddit_queries(brand.rule)
            if not texts:
                logger.warning("reddit %s: brand %s's rule has nothing Reddit's search can look for "
                               "(only NOT, lang: or site: parts?); bind the source to the brand and list "
                               "subreddits to watch instead", source.name, brand.id)
                if result is not None:
                    result.note("brand_not_searchable")
            for text in texts:
                params = {"q": text, "sort": "new", "syntax": "lucene", "t": "all",
                          "restrict_sr": str(scope != "all")}
                queries.append(Query(f"search:{scope.lower()}:{text}", f"search {text!r} in r/{scope}",
                                     f"r/{scope}/search/", params))
    if source.watches:
        for sub in source.subreddits or ["all"]:
            queries.append(Query(f"new:{sub.lower()}", f"new posts of r/{sub}", f"r/{sub}/new"))
    return queries


class _Run:
    """One collection of one source: fetches, cursors, mentions and failures."""

    def __init__(self, reddit: praw.Reddit, source: RedditSource, matcher: BrandMatcher,
                 cursors: dict[str, Any], pending: list[str]) -> None:
        self.reddit = reddit
        self.source = source
        self.matcher = matcher
        self.cursors = cursors
        self.retry = list(pending)  # threads a previous run could not read
        self.pending: list[str] = []  # threads this run could not read: the next run tries them
        self.result = CollectResult()
        self.mapper = ItemMapper(source, self.result, utcnow())
        self.done: set[str] = set()  # fullnames handled this run (a post found by two queries)
        self.succeeded = 0
        self.comments_failed = False  # after one failed thread, the others wait for the next run

    def run(self, queries: list[Query]) -> None:
        for query in queries:
            if self._halted():
                break
            try:
                things = self._fetch(query)
            except SourceError as exc:
                self._failed(exc)
                continue
            self.succeeded += 1
            for thing in things:
                self._take(thing)
        for thread_id in self.retry:
            if thread_id not in self.pending:
                self._thread(self.reddit.submission(id=thread_id))

    def _failed(self, exc: SourceError) -> None:
        logger.debug("reddit %s: %s", self.source.name, exc)  # the caller logs and records it
        self.result.failures.append(exc)

    def _halted(self) -> bool:
        """Whether no more requests may be made this run (checked before each one)."""
        if any(f.kind in FATAL_KINDS for f in self.result.failures):
            return True
        wait = rate_limit_wait(self.reddit)
        if wait is None:
            return False
        self._failed(SourceError(f"Reddit's request budget is spent (reset in {wait:.0f} s); the rest "
                                 "waits for the next run", kind="rate_limited", retry_after=wait))
        return True

    def _get(self, query: Query, params: dict[str, str | int]) -> Listing:
        try:
            reply = self.reddit.get(query.path, params=params)
        except Exception as exc:  # noqa: BLE001 - every PRAW/prawcore failure becomes a SourceError
            raise translate(exc, query.label) from exc
        if not isinstance(reply, Listing):
            raise SourceError(f"Reddit {query.label}: the reply is not a listing "
                              f"({type(reply).__name__}); the next run tries again", kind="parse")
        return reply

    def _fetch(self, query: Query) -> list[Any]:
        cursor = self.cursors.get(query.key) or {}
        anchor = cursor.get("before")
        refresh = not anchor or cursor.get("empty_runs", 0) >= REFRESH_AFTER
        items: list[Any] = []
        paging: dict[str, str | None] = {"after": None} if refresh else {"before": anchor}
        while len(items) < self.source.limit:
            size = min(PAGE_SIZE, self.source.limit - len(items))
            params: dict[str, str | int] = {**query.params, "limit": size}
            params.update({k: v for k, v in paging.items() if v})
            page = self._get(query, params)
            things = list(attr(page, "children") or [])
            items.extend(things)
            if refresh:  # newest first, going back in time
                paging["after"] = attr(page, "after")
            else:  # newer than the anchor, going forward in time
                paging["before"] = attr(page, "before") or (_newest(things) if things else None)
            if len(things) < size or not paging.get("after" if refresh else "before") or self._halted():
                break
        return self._advance(query, cursor, items, refresh)

    def _advance(self, query: Query, cursor: dict[str, Any], items: list[Any], refresh: bool) -> list[Any]:
        seen = list(cursor.get("seen", []))
        known = set(seen)
        fresh = [t for t in items if fullname(t) not in known]
        if len(fresh) < len(items):
            self.result.note("seen_before", len(items) - len(fresh))
        new_cursor = dict(cursor)
        if items:  # after a refresh too: an anchor older than the stored one replaces a deleted one
            newest = max(items, key=created)
            new_cursor["before"], new_cursor["newest_utc"] = fullname(newest), created(newest)
        new_cursor["seen"] = ([fullname(t) for t in fresh] + seen)[:SEEN_IDS]
        new_cursor["empty_runs"] = 0 if fresh or refresh else cursor.get("empty_runs", 0) + 1
        new_cursor["checked_at"] = self.mapper.now.isoformat()
        self.cursors[query.key] = new_cursor
        logger.info("reddit %s: %s: %d new of %d", self.source.name, query.label, len(fresh), len(items))
        return fresh

    def _take(self, thing: Any) -> None:
        name = fullname(thing)
        if name in self.done:
            return
        self.done.add(name)
        try:
            if isinstance(thing, Submission):
                mention = self.mapper.submission(thing)
            elif isinstance(thing, Comment):
                mention = self.mapper.comment(thing)
            else:
                self.result.skip("not_a_post_or_comment")
                return
        except (ValueError, TypeError) as exc:  # one odd item must not cost the rest
            logger.warning("reddit %s: skipped %s (%s)", self.source.name, name, exc)
            self.result.skip("invalid_item")
            return
        if mention is not None:
            self.result.mentions.append(mention)
        if isinstance(thing, Submission) and self._wants_comments(thing, mention):
            self._thread(thing)

    def _wants_comments(self, post: Submission, mention: RawMention | None) -> bool:
        if self.source.comments_depth == 0 or not attr(post, "num_comments"):
            return False
        if self.source.brand:
            return True
        return mention is not None and bool(self.matcher.match(mention))

    def _thread(self, post: Submission) -> None:
        """Collect the comments of ``post``, or leave it for the next run when that is not possible now."""
        if self.comments_failed or self._halted():
            self.pending.append(str(attr(post, "id")))
            return
        label = f"comments of {fullname(post)}"
        try:
            forest = post.comments  # one request: the thread as Reddit sorts it
            found = list(self.mapper.comments(forest, self.source.comments_depth))
        except Exception as exc:  # noqa: BLE001 - every PRAW/prawcore failure becomes a SourceError
            error = translate(exc, label)
            if error.kind in ("not_found", "forbidden"):  # deleted or hidden since it was listed
                self.result.skip("thread_unavailable")
            else:
                self._failed(error)
                self.comments_failed = True
                self.pending.append(str(attr(post, "id")))
            return
        for mention in found:
            if mention.id not in self.done:
                self.done.add(mention.id)
                self.result.mentions.append(mention)


def _newest(things: list[Any]) -> str:
    return fullname(max(things, key=created))


class RedditCollector(Collector[RedditSource]):
    """Collects one ``type: reddit`` source through Reddit's API (read-only, OAuth app credentials)."""

    def brands_for(self, source: RedditSource) -> list[BrandConfig]:
        if source.brand:
            brand = self.config.brand(source.brand)
            return [brand] if brand else []
        return list(self.config.brands)

    def collect(self, source: RedditSource, state: StateStore) -> CollectResult:
        reddit = make_reddit(self.settings)
        brands = self.brands_for(source)
        saved = state.get(state_key(source)) or {}
        cursors: dict[str, Any] = dict(saved.get("queries") or {})
        pending = [str(i) for i in saved.get("pending_threads") or []] if source.comments_depth else []
        run = _Run(reddit, source, BrandMatcher(brands), cursors, pending)
        queries = plan(source, brands, run.result)
        if not queries:
            raise SourceError(f"reddit source {source.name} has nothing to do: enable search (with brands "
                              "that have rules) or list subreddits to watch", kind="config")
        started = datetime.now()
        run.run(queries)
        # Only the current queries' cursors are kept: a changed rule or subreddit list starts afresh.
        state.set(state_key(source), {"queries": {q.key: cursors[q.key] for q in queries if q.key in cursors},
                                      "pending_threads": run.pending[:PENDING_THREADS]})
        result = run.result
        logger.info("reddit %s: %d mentions from %d/%d queries in %.1f s, skipped %s, noted %s, %d failures",
                    source.name, len(result.mentions), run.succeeded, len(queries),
                    (datetime.now() - started).total_seconds(), result.skipped or "none",
                    result.counts or "none", len(result.failures))
        if result.failures and run.succeeded == 0:
            fatal = [f for f in result.failures if f.kind in FATAL_KINDS]
            raise (fatal or result.failures)[0]
        return result
