"""Searching mentions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import IndexDep
from api.schemas import MentionItem, MentionPage
from earful.params import parse_query
from search.base import SearchRequest
from search.filters import build_filters

router = APIRouter(tags=["mentions"])
MAX_LIMIT = 500


@router.get("/mentions", response_model=MentionPage)
def search_mentions(
    index: IndexDep,
    q: Annotated[str | None, Query(description='Lucene-style query: refund AND NOT "gift card"')] = None,
    brand: Annotated[list[str] | None, Query(description="brand id(s)")] = None,
    source: Annotated[list[str] | None, Query(description="source type or source name")] = None,
    lang: Annotated[list[str] | None, Query(description="ISO 639-1 code(s)")] = None,
    sentiment: Annotated[list[str] | None, Query(description="positive, neutral, negative, unscored")] = None,
    since: Annotated[str | None, Query(description="ISO 8601 or an age like 24h, 7d")] = None,
    until: Annotated[str | None, Query(description="ISO 8601 or an age; exclusive")] = None,
    sort: Literal["relevance", "newest", "oldest"] = "relevance",
    limit: Annotated[int, Query(ge=1, description=f"page size, at most {MAX_LIMIT}")] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    include_duplicates: Annotated[bool, Query(description="also list exact copies of other mentions")] = False,
) -> Response:
    """Mentions matching a query and filters, with highlighted snippets."""
    filters = build_filters(brand, source, lang, sentiment, since, until)
    filters.include_duplicates = include_duplicates
    request = SearchRequest(query=parse_query(q), filters=filters, sort=sort, limit=min(limit, MAX_LIMIT), cursor=cursor or None)
    result = index.search(request)
    items = [MentionItem(**hit.mention.model_dump(), score=hit.score, highlight=hit.highlight)
             for hit in result.hits]
    page = MentionPage(total=result.total, items=items, next_cursor=result.next_cursor)
    # Serialised once by pydantic: FastAPI would dump, validate again and re-encode a page of 50 articles.
    return Response(page.model_dump_json(), media_type="application/json")
