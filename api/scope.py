"""Which mentions a request is about: a saved search, a query and filters, and the time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Query

from api.deps import StateDep
from earful.params import parse_zone
from earful.query import Node
from earful.saved_searches import SavedSearches
from search.base import SearchFilters
from search.filters import resolve


@dataclass
class Scope:
    query: Node | None
    filters: SearchFilters
    saved: str | None = None

    def period(self, default: timedelta) -> tuple[datetime, datetime]:
        """[since, until): the filters' bounds, else ``default`` back from now."""
        until = self.filters.until or datetime.now(timezone.utc)
        return self.filters.since or until - default, until


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
