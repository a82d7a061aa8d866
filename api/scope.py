"""Which mentions a request is about: a saved search, a query and filters, and the time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Query

from api.deps import StateDep
from api.params import parse_query, parse_time, parse_zone, split_list
from earful.errors import BadRequest
from earful.query import And, Node
from earful.saved_searches import SavedSearch, SavedSearches
from search.base import SearchFilters

SENTIMENTS = {"positive", "neutral", "negative", "unscored"}


@dataclass
class Scope:
    query: Node | None
    filters: SearchFilters
    saved: str | None = None

    def period(self, default: timedelta) -> tuple[datetime, datetime]:
        """[since, until): the filters' bounds, else ``default`` back from now."""
        until = self.filters.until or datetime.now(timezone.utc)
        return self.filters.since or until - default, until


def resolve(saved: SavedSearch | None, *, q: str | None = None, brand: list[str] | None = None,
            source: list[str] | None = None, lang: list[str] | None = None, sentiment: list[str] | None = None,
            since: str | None = None, until: str | None = None,
            include_duplicates: bool | None = None) -> tuple[Node | None, SearchFilters]:
    """A saved search's query and filters, each filter replaced by the one given, the queries ANDed.

    Relative times (``7d``) are resolved now, so a saved "last 7 days" always means the last 7 days.
    """
    base = saved.filters if saved else None
    filters = SearchFilters(
        brands=split_list(brand) or (base.brand if base else []),
        sources=split_list(source) or (base.source if base else []),
        langs=split_list(lang) or (base.lang if base else []),
        sentiments=split_list(sentiment) or (base.sentiment if base else []),
        since=parse_time(since or (base.since if base else None), "since"),
        until=parse_time(until or (base.until if base else None), "until"),
        include_duplicates=bool(include_duplicates if include_duplicates is not None
                                else base.include_duplicates if base else False))
    unknown = set(filters.sentiments) - SENTIMENTS
    if unknown:
        raise BadRequest(f"sentiment={sorted(unknown)[0]!r} is unknown; use one of {', '.join(sorted(SENTIMENTS))}")
    if filters.since and filters.until and filters.since >= filters.until:
        raise BadRequest("since must be earlier than until")
    queries = [n for n in (parse_query(saved.q) if saved else None, parse_query(q)) if n is not None]
    return (queries[0] if len(queries) == 1 else And(tuple(queries)) if queries else None), filters


def scope(
    state: StateDep,
    saved: Annotated[str | None, Query(description="name of a saved search (GET /api/v1/searches); "
                                                   "the parameters below narrow or replace its filters")] = None,
    q: Annotated[str | None, Query(description='Lucene-style query: refund AND NOT "gift card"')] = None,
    brand: Annotated[list[str] | None, Query(description="brand id(s)")] = None,
    source: Annotated[list[str] | None, Query(description="source kind (feed, reddit, review, web) or name")] = None,
    lang: Annotated[list[str] | None, Query(description="ISO 639-1 code(s)")] = None,
    sentiment: Annotated[list[str] | None, Query(description="positive, neutral, negative, unscored")] = None,
    since: Annotated[str | None, Query(description="ISO 8601 or an age like 24h, 7d")] = None,
    until: Annotated[str | None, Query(description="ISO 8601 or an age; exclusive")] = None,
    include_duplicates: Annotated[bool | None, Query(description="count exact copies too")] = None,
) -> Scope:
    found = SavedSearches(state).require(saved) if saved else None
    query, filters = resolve(found, q=q, brand=brand, source=source, lang=lang, sentiment=sentiment, since=since,
                             until=until, include_duplicates=include_duplicates)
    return Scope(query, filters, saved)


def zone(tz: Annotated[str | None, Query(description="IANA zone for day and week boundaries")] = "UTC") -> ZoneInfo:
    return parse_zone(tz)


ScopeDep = Annotated[Scope, Depends(scope)]
ZoneDep = Annotated[ZoneInfo, Depends(zone)]
