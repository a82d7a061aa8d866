"""Searching mentions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import IndexDep
from api.params import parse_query, parse_time, split_list
from api.schemas import MentionItem, MentionPage
from earful.errors import BadRequest
from search.base import SearchFilters, SearchRequest

router = APIRouter(tags=["mentions"])
MAX_LIMIT = 500
SENTIMENTS = {"positive", "neutral", "negative", "unscored"}


def build_filters(brand: list[str] | None, source: list[str] | None, lang: list[str] | None,
                  sentiment: list[str] | None, since: str | None, until: str | None) -> SearchFilters:
    filters = SearchFilters(brands=split_list(brand), sources=split_list(source), langs=split_list(lang),
                            sentiments=split_list(sentiment), since=parse_time(since, "since"),
                            until=parse_time(until, "until"))
    unknown = set(filters.sentiments) - SENTIMENTS
    if unknown:
        raise BadRequest(f"sentiment={sorted(unknown)[0]!r} is unknown; use one of "
                         f"{', '.join(sorted(SENTIMENTS))}")
    if filters.since and filters.until and filters.since >= filters.until:
        raise BadRequest("since must be earlier than until")
    return filters


@router.get("/mentions", response_model=MentionPage)
def search_mentions(
    index: IndexDep,
    q: Annotated[str | None, Query(description='Lucene-style query: refund AND NOT "gift card"')] = None,
    brand: Annotated[list[str] | None, Query(description="brand id(s)")] = None,
    source: Annotated[list[str] | None, Query(description="source kind (feed, reddit, review, web) or name")] = None,
    lang: Annotated[list[str] | None, Query(description="ISO 639-1 code(s)")] = None,
    sentiment: Annotated[list[str] | None, Query(description="positive, neutral, negative, unscored")] = None,
    since: Annotated[str | None, Query(description="ISO 8601 or an age like 24h, 7d")] = None,
    until: Annotated[str | None, Query(description="ISO 8601 or an age; exclusive")] = None,
    sort: Literal["relevance", "newest", "oldest"] = "relevance",
    limit: Annotated[int, Query(ge=1, description=f"page size, at most {MAX_LIMIT}")] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    include_duplicates: Annotated[bool, Query(description="also list exact copies of other mentions")] = False,
) -> MentionPage:
    """Mentions matching a query and filters, with highlighted snippets."""
    filters = build_filters(brand, source, lang, sentiment, since, until)
    filters.include_duplicates = include_duplicates
    request = SearchRequest(query=parse_query(q), filters=filters, sort=sort, limit=min(limit, MAX_LIMIT), cursor=cursor or None)
    result = index.search(request)
    items = [MentionItem(**hit.mention.model_dump(), score=hit.score, highlight=hit.highlight)
             for hit in result.hits]
    return MentionPage(total=result.total, items=items, next_cursor=result.next_cursor)
