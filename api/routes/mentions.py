"""Searching mentions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import IndexDep
from api.schemas import MentionItem, MentionPage
from api.scope import ScopeDep
from search.base import SearchRequest

router = APIRouter(tags=["mentions"])
MAX_LIMIT = 500


@router.get("/mentions", response_model=MentionPage)
def search_mentions(
    index: IndexDep, scope: ScopeDep,
    sort: Literal["relevance", "newest", "oldest"] = "relevance",
    limit: Annotated[int, Query(ge=1, description=f"page size, at most {MAX_LIMIT}")] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> MentionPage:
    """Mentions matching a query (or a saved search) and filters, with highlighted snippets."""
    request = SearchRequest(query=scope.query, filters=scope.filters, sort=sort, limit=min(limit, MAX_LIMIT),
                            cursor=cursor or None)
    result = index.search(request)
    items = [MentionItem(**hit.mention.model_dump(), score=hit.score, highlight=hit.highlight)
             for hit in result.hits]
    return MentionPage(total=result.total, items=items, next_cursor=result.next_cursor)
