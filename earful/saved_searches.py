"""Saved searches: a name for a query and filters, kept with the crawl state (SQLite or Redis)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from earful.config import SLUG
from earful.errors import BadRequest
from earful.models import utcnow
from earful.state import StateStore

PREFIX = "saved-search:"
MAX_SAVED = 1000


class SavedFilters(BaseModel):
    """Filters as the user wrote them: times stay relative (``7d``) and are resolved at each use."""

    model_config = ConfigDict(extra="forbid")

    brand: list[str] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list)
    lang: list[str] = Field(default_factory=list)
    sentiment: list[str] = Field(default_factory=list)
    since: str | None = Field(default=None, max_length=64)
    until: str | None = Field(default=None, max_length=64)
    include_duplicates: bool = False


class SavedSearchIn(BaseModel):
    """What a client sends to save a search."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=SLUG, description="lowercase slug, used as saved=NAME")
    q: str | None = Field(default=None, max_length=10_000, description="Lucene-style query")
    filters: SavedFilters = Field(default_factory=SavedFilters)
    description: str = Field(default="", max_length=500)


class SavedSearch(SavedSearchIn):
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class SavedSearches:
    """CRUD over the state store; names are unique."""

    def __init__(self, state: StateStore) -> None:
        self.state = state

    def list(self) -> list[SavedSearch]:
        return [s for _, value in self.state.items(PREFIX) if (s := _decode(value)) is not None]

    def get(self, name: str) -> SavedSearch | None:
        value = self.state.get(PREFIX + name)
        return _decode(value) if value is not None else None

    def require(self, name: str) -> SavedSearch:
        found = self.get(name)
        if found is None:
            raise BadRequest(f"saved={name[:64]!r}: no saved search has that name; list them with "
                             "GET /api/v1/searches")
        return found

    def create(self, search: SavedSearchIn) -> SavedSearch:
        if self.get(search.name) is not None:
            raise BadRequest(f"a saved search named {search.name!r} exists; PUT to change it")
        if sum(1 for _ in self.state.items(PREFIX)) >= MAX_SAVED:
            raise BadRequest(f"at most {MAX_SAVED} saved searches; delete some first")
        return self._store(SavedSearch(**search.model_dump()))

    def replace(self, name: str, search: SavedSearchIn) -> SavedSearch:
        old = self.require(name)
        if search.name != name:
            raise BadRequest(f"the body names {search.name!r} but the path {name!r}; names cannot change")
        return self._store(SavedSearch(**search.model_dump(), created_at=old.created_at))

    def delete(self, name: str) -> bool:
        found = self.get(name) is not None
        self.state.delete(PREFIX + name)
        return found

    def _store(self, search: SavedSearch) -> SavedSearch:
        self.state.set(PREFIX + search.name, search.model_dump(mode="json"))
        return search


def _decode(value: dict[str, Any]) -> SavedSearch | None:
    try:
        return SavedSearch.model_validate(value)
    except ValidationError:
        return None  # written by another version; listed no more, left in place
