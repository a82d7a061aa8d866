"""Saved searches: a name for a query and filters, usable as saved=NAME everywhere."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from api.deps import StateDep
from api.problems import NOT_FOUND
from earful.saved_searches import SavedSearch, SavedSearches, SavedSearchIn

router = APIRouter(tags=["searches"])


@router.get("/searches", response_model=list[SavedSearch])
def list_searches(state: StateDep) -> list[SavedSearch]:
    """Every saved search, by name."""
    return SavedSearches(state).list()


@router.post("/searches", response_model=SavedSearch, status_code=status.HTTP_201_CREATED)
def create_search(body: SavedSearchIn, state: StateDep) -> SavedSearch:
    """Save a search; its query and times are checked now and resolved at each use."""
    _check(body)
    return SavedSearches(state).create(body)


@router.get("/searches/{name}", response_model=SavedSearch, responses=NOT_FOUND)
def get_search(name: str, state: StateDep) -> SavedSearch:
    found = SavedSearches(state).get(name)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no saved search named {name[:64]!r}")
    return found


@router.put("/searches/{name}", response_model=SavedSearch, responses=NOT_FOUND)
def replace_search(name: str, body: SavedSearchIn, state: StateDep) -> SavedSearch:
    """Replace a saved search's query and filters (the name stays)."""
    _check(body)
    saved = SavedSearches(state)
    if saved.get(name) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no saved search named {name[:64]!r}; POST to create it")
    return saved.replace(name, body)


@router.delete("/searches/{name}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               responses=NOT_FOUND)
def delete_search(name: str, state: StateDep) -> Response:
    if not SavedSearches(state).delete(name):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no saved search named {name[:64]!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _check(body: SavedSearchIn) -> None:
    """A query or time that would fail at each use is a 400 now."""
    from api.scope import resolve

    resolve(None, q=body.q, brand=body.filters.brand, source=body.filters.source, lang=body.filters.lang,
            sentiment=body.filters.sentiment, since=body.filters.since, until=body.filters.until)
