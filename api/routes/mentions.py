"""Searching mentions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import IndexDep
from api.schemas import MentionItem, MentionPage
from api.scope import Scope, ScopeDep
from search.base import IndexBackend, SearchRequest, Sort

router = APIRouter(tags=["mentions"])
MAX_LIMIT = 500


@router.get("/mentions", response_model=MentionPage)
def search_mentions(
    index: IndexDep, scope: ScopeDep,
    sort: Literal["relevance", "newest", "oldest"] = "relevance",
    limit: Annotated[int, Query(ge=1, description=f"page size, at most {MAX_LIMIT}")] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response:
    """Mentions matching a query (or a saved search) and filters, with highlighted snippets."""
    page = mention_page(index, scope, sort, limit, cursor)
    # Serialised once by pydantic: FastAPI would dump, validate again and re-encode a page of 50 articles.
    return Response(page.model_dump_json(), media_type="application/json")


def mention_page(index: IndexBackend, scope: Scope, sort: Sort, limit: int, cursor: str | None) -> MentionPage:
    """One page of matching mentions (the API's answer, and the dashboard's Mentions page)."""
    request = SearchRequest(query=scope.query, filters=scope.filters, sort=sort, limit=min(limit, MAX_LIMIT),
                            cursor=cursor or None)
    result = index.search(request)
    # The hits were validated when read from the index: copied as they are, not dumped and validated again.
    items = [MentionItem.model_construct(**dict(hit.mention), score=hit.score, highlight=hit.highlight)
             for hit in result.hits]
    return MentionPage(total=result.total, items=items, next_cursor=result.next_cursor)
