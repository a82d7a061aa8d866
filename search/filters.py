"""Search filters from the parameters people type (API query strings, CLI options, saved searches).

Bad values are a BadRequest that says what to fix.
"""

from __future__ import annotations

from earful.errors import BadRequest
from earful.params import parse_query, parse_time, split_list
from earful.query import And, Node
from earful.saved_searches import SavedSearch, SavedSearches
from earful.state import StateStore
from search.base import SearchFilters

SENTIMENTS = {"positive", "neutral", "negative", "unscored"}


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


def build_filters(brand: list[str] | None, source: list[str] | None, lang: list[str] | None,
                  sentiment: list[str] | None, since: str | None, until: str | None) -> SearchFilters:
    return resolve(None, brand=brand, source=source, lang=lang, sentiment=sentiment, since=since, until=until)[1]


def saved_search_scope(state: StateStore, name: str) -> tuple[Node | None, SearchFilters]:
    """The query and filters of the saved search ``name`` as of now (what alert rules on a saved search use).

    BadRequest when no saved search has that name.
    """
    return resolve(SavedSearches(state).require(name))
