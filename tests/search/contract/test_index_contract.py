"""Writes and exact lookups behave the same on every backend."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from earful.errors import IndexUnavailable
from earful.query.ast import Term
from search.base import IndexBackend, SearchFilters, SearchRequest

from ..conftest import CORPUS, at, make


def ids(index: IndexBackend, query: Term | None = None, **filters: object) -> set[str]:
    chosen = SearchFilters(**filters)  # type: ignore[arg-type]
    return {h.mention.id for h in index.search(SearchRequest(query=query, filters=chosen, limit=500,
                                                             highlight=False)).hits}


def test_empty_index_answers(empty_index: IndexBackend) -> None:
    assert empty_index.upsert([]) == 0
    empty_index.upsert([make("z1", "first", at(2024, 1, 1))])  # creates whatever storage it needs
    assert empty_index.count() == 1
    assert empty_index.get([]) == [] and empty_index.find_by_content_hash([]) == {}


def test_upsert_replaces_by_id(index: IndexBackend) -> None:
    changed = CORPUS[0].model_copy(update={"title": "Acme apology"})
    assert index.upsert([changed]) == 1
    assert index.count(filters=SearchFilters(include_duplicates=True)) == len(CORPUS)
    assert [m.title for m in index.get(["a1"])] == ["Acme apology"]
    assert ids(index, Term("outage", field="title")) == set()
    assert ids(index, Term("apology")) == {"a1"}


def test_repeated_id_in_one_batch_keeps_the_last(empty_index: IndexBackend) -> None:
    first, second = make("r1", "first words", at(2024, 1, 1)), make("r1", "second words", at(2024, 1, 2))
    empty_index.upsert([first, second])
    assert [m.text for m in empty_index.get(["r1"])] == ["second words"]
    assert empty_index.count() == 1


def test_get_rebuilds_whole_mentions(index: IndexBackend) -> None:
    got = {m.id: m for m in index.get(["a2", "a4", "missing", "a2"])}
    assert got == {"a2": CORPUS[1], "a4": CORPUS[3]}


def test_duplicates_hidden_unless_asked(index: IndexBackend) -> None:
    assert ids(index, Term("outage")) == {"a1"}
    assert ids(index, Term("outage"), include_duplicates=True) == {"a1", "a6"}
    assert index.count() == len(CORPUS) - 1


@pytest.mark.parametrize(("filters", "expected"), [
    ({"brands": ["globex"]}, {"a2", "a3"}),
    ({"brands": ["globex", "initech"]}, {"a2", "a3", "a4"}),
    ({"sources": ["reddit"]}, {"a2"}),
    ({"sources": ["blogs"]}, {"a5", "a8"}),  # a source's configured name works too
    ({"langs": ["ru", "ar"]}, {"a3", "a4"}),
    ({"sentiments": ["negative"]}, {"a1", "a4", "a7"}),
    ({"sentiments": ["negative"], "include_duplicates": True}, {"a1", "a4", "a6", "a7"}),
    ({"since": at(2024, 3, 5, 18)}, {"a4", "a5"}),  # since is inclusive
    ({"until": at(2024, 3, 1, 10)}, {"a8"}),  # until is exclusive
    ({"since": at(2024, 3, 2), "until": at(2024, 3, 5), "brands": ["acme"]}, {"a2", "a7"}),
])
def test_filters(index: IndexBackend, filters: dict[str, object], expected: set[str]) -> None:
    assert ids(index, **filters) == expected
    assert index.count(filters=SearchFilters(**filters)) == len(expected)  # type: ignore[arg-type]


def test_count_matches_search(index: IndexBackend) -> None:
    assert index.count(Term("acme"), SearchFilters(langs=["en"])) == 2
    assert index.count(Term("acme"), SearchFilters(langs=["en"], include_duplicates=True)) == 3


def test_find_by_content_hash_returns_originals(index: IndexBackend) -> None:
    assert index.find_by_content_hash(["h1", "h-a2", "nope", "h1"]) == {"h1": "a1", "h-a2": "a2"}


def test_find_by_content_hash_prefers_the_oldest_original(empty_index: IndexBackend) -> None:
    empty_index.upsert([make("late", "same", at(2024, 5, 1), content_hash="hx"),
                        make("early", "same", at(2024, 4, 1), content_hash="hx")])
    assert empty_index.find_by_content_hash(["hx"]) == {"hx": "early"}


def test_reader_sees_writer_commits(index: IndexBackend, make_backend: Callable[[], IndexBackend]) -> None:
    reader = make_backend()
    assert reader.count() == 7
    index.upsert([make("b1", "later news", at(2024, 4, 1))])
    assert reader.count() == 8
    assert [m.id for m in reader.get(["b1"])] == ["b1"]
    with pytest.raises(IndexUnavailable, match="read-only"):
        reader.upsert([make("b2", "x", at(2024, 4, 1))])
