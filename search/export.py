"""Every matching mention in time order, a page at a time, resumable after a given mention: what export streams.

The period is cut into windows of about WINDOW mentions, each read oldest first with the
search cursor, so a page costs the same at the start and the end of a million mentions, and
nothing but the current page is held.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from earful.errors import BadRequest
from earful.models import Mention
from earful.query import Node
from search.base import IndexBackend, SearchFilters, SearchRequest
from search.fields import sort_key

PAGE = 500
WINDOW = 20_000


def _edge(index: IndexBackend, query: Node | None, filters: SearchFilters, newest: bool) -> datetime | None:
    request = SearchRequest(query=query, filters=filters, sort="newest" if newest else "oldest", limit=1,
                            highlight=False)
    hits = index.search(request).hits
    return hits[0].mention.published_at if hits else None


def _resume(index: IndexBackend, after: str) -> tuple[datetime, str]:
    """Where to go on after the mention ``after``: its second, and a cursor just past it."""
    found = index.get([after])
    if not found:
        raise BadRequest(f"after={after[:64]!r}: no stored mention has that id; pass the id of the last "
                         "mention a previous export wrote")
    mention = found[0]
    return mention.published_at.replace(microsecond=0), index.time_cursor(
        "oldest", sort_key(mention.published_at, mention.id))


def pages(index: IndexBackend, query: Node | None, filters: SearchFilters, *, after: str | None = None,
          page: int = PAGE) -> Iterator[list[Mention]]:
    """Pages of mentions oldest first (ties in the same second by a hash of the id, as search sorts them)."""
    cursor: str | None = None
    since = filters.since
    if after:
        since, cursor = _resume(index, after)
        since = max(since, filters.since) if filters.since else since
    start = since or _edge(index, query, filters, newest=False)
    newest = _edge(index, query, replace(filters, since=start), newest=True) if start else None
    if start is None or newest is None:
        return
    end = filters.until or newest + timedelta(seconds=1)
    total = index.count(query, replace(filters, since=start, until=end))
    windows = max(1, math.ceil(total / WINDOW))
    step = max((end - start) / windows, timedelta(seconds=1))
    low = start
    while low < end:
        high = min(low + step, end)
        window = replace(filters, since=low, until=high)
        while True:
            result = index.search(SearchRequest(query=query, filters=window, sort="oldest", limit=page,
                                                cursor=cursor, highlight=False))
            if result.hits:
                yield [hit.mention for hit in result.hits]
            cursor = result.next_cursor
            if cursor is None:
                break
        low = high


def mentions(index: IndexBackend, query: Node | None, filters: SearchFilters, *,
             after: str | None = None) -> Iterator[Mention]:
    for batch in pages(index, query, filters, after=after):
        yield from batch
