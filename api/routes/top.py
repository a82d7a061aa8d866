"""The most frequent sites, authors, sources and languages, with their sentiment."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.analytics_schemas import Sentiments, TopOut, TopValueOut
from api.deps import IndexDep
from api.scope import ScopeDep
from search.analytics.top import MAX_SIZE, top_values

router = APIRouter(tags=["top"])


@router.get("/top", response_model=TopOut)
def top(
    index: IndexDep, scope: ScopeDep,
    field: Literal["site", "author", "source", "lang", "brand"] = "site",
    size: Annotated[int, Query(ge=1, le=MAX_SIZE, description="values to list")] = 10,
) -> TopOut:
    """The values held by most matching mentions, with counts and net sentiment, and the rest as other."""
    found = top_values(index, scope.query, scope.filters, field, size)
    return TopOut(field=field, other=found.other,
                  values=[TopValueOut(value=v.value, **Sentiments.of(v.tally).model_dump()) for v in found.values])
