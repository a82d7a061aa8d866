"""Saved searches in the crawl state, on SQLite and on a real Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from earful.errors import BadRequest
from earful.saved_searches import PREFIX, SavedFilters, SavedSearches, SavedSearchIn
from earful.state import SQLiteStateStore, StateStore
from earful.state.redis_store import RedisStateStore


@pytest.fixture(params=["sqlite", "redis"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    if request.param == "sqlite":
        store: StateStore = SQLiteStateStore(tmp_path / "state.sqlite3")
    else:
        store = RedisStateStore.from_url(request.getfixturevalue("redis_url"), namespace=tmp_path.name)
    yield store
    store.close()


def test_create_list_replace_delete(state: StateStore) -> None:
    saved = SavedSearches(state)
    first = saved.create(SavedSearchIn(name="acme-refunds", q="refund* AND NOT \"gift card\"",
                                       filters=SavedFilters(brand=["acme"], since="30d")))
    saved.create(SavedSearchIn(name="all-negative", filters=SavedFilters(sentiment=["negative"])))
    assert [s.name for s in saved.list()] == ["acme-refunds", "all-negative"]
    changed = saved.replace("acme-refunds", SavedSearchIn(name="acme-refunds", q="refund*"))
    assert changed.created_at == first.created_at and changed.q == "refund*" and changed.filters.since is None
    assert SavedSearches(state).require("acme-refunds").q == "refund*"  # stored, not cached
    assert saved.delete("acme-refunds") and not saved.delete("acme-refunds")
    assert [s.name for s in saved.list()] == ["all-negative"]


def test_mistakes_say_what_to_do(state: StateStore) -> None:
    saved = SavedSearches(state)
    saved.create(SavedSearchIn(name="x1"))
    with pytest.raises(BadRequest, match="exists; PUT"):
        saved.create(SavedSearchIn(name="x1"))
    with pytest.raises(BadRequest, match="no saved search"):
        saved.require("nope")
    with pytest.raises(BadRequest, match="names cannot change"):
        saved.replace("x1", SavedSearchIn(name="x2"))
    with pytest.raises(ValidationError):
        SavedSearchIn(name="Not A Slug")
    with pytest.raises(ValidationError):
        SavedSearchIn(name="ok", filters={"brand": ["a"], "colour": "red"})  # type: ignore[arg-type]


def test_a_value_from_another_version_is_skipped(state: StateStore) -> None:
    state.set(PREFIX + "old", {"name": "old", "filters": {"colour": "red"}})
    saved = SavedSearches(state)
    assert saved.list() == [] and saved.get("old") is None


def test_a_saved_search_resolves_to_a_query_and_filters_at_each_use(state: StateStore) -> None:
    from datetime import datetime, timedelta, timezone

    from earful.query import And, Term
    from search.filters import resolve, saved_search_scope

    saved = SavedSearches(state)
    saved.create(SavedSearchIn(name="acme-week", q="refund*", filters=SavedFilters(brand=["acme"], since="7d",
                                                                                      sentiment=["negative"])))
    query, filters = saved_search_scope(state, "acme-week")
    assert query == Term("refund", prefix=True)
    assert filters.brands == ["acme"] and filters.sentiments == ["negative"] and filters.since is not None
    assert abs(filters.since - (datetime.now(timezone.utc) - timedelta(days=7))) < timedelta(seconds=30)
    narrowed_query, narrowed = resolve(saved.require("acme-week"), q="outage", brand=["globex"])
    assert narrowed_query == And((Term("refund", prefix=True), Term("outage"))) and narrowed.brands == ["globex"]
    with pytest.raises(BadRequest, match="no saved search"):
        saved_search_scope(state, "gone")
