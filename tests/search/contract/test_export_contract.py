"""Export reads every matching mention once, oldest first, in windows and pages, and resumes after an id."""

from __future__ import annotations

from datetime import timedelta

import pytest

from earful.errors import BadRequest
from earful.query.ast import Term
from search import export
from search.base import IndexBackend, SearchFilters
from search.fields import sort_key

from .analytics_corpus import START, corpus

DOCS = corpus()


@pytest.fixture
def index(empty_index: IndexBackend) -> IndexBackend:
    empty_index.upsert(DOCS)
    return empty_index


def expected(filters: SearchFilters, query_word: str | None = None) -> list[str]:
    chosen = [m for m in DOCS if (not filters.brands or set(filters.brands) & set(m.brands))
              and (filters.since is None or m.published_at >= filters.since)
              and (filters.until is None or m.published_at < filters.until)
              and (query_word is None or query_word in m.text.lower())]
    return [m.id for m in sorted(chosen, key=lambda m: sort_key(m.published_at, m.id))]


@pytest.mark.parametrize(("window", "page"), [(20_000, 500), (7, 5), (1, 3)])
def test_everything_once_oldest_first(index: IndexBackend, monkeypatch: pytest.MonkeyPatch, window: int,
                                      page: int) -> None:
    monkeypatch.setattr(export, "WINDOW", window)
    got = [m.id for batch in export.pages(index, None, SearchFilters(), page=page) for m in batch]
    assert got == expected(SearchFilters()) and len(got) == len(DOCS)


def test_filters_and_query(index: IndexBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "WINDOW", 10)
    filters = SearchFilters(brands=["acme"], since=START + timedelta(days=10), until=START + timedelta(days=20))
    got = [m.id for m in export.mentions(index, Term("outage"), filters)]
    assert got == expected(filters, "outage") and len(got) == 12


def test_resume_after_the_last_exported_id(index: IndexBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "WINDOW", 9)
    everything = [m.id for m in export.mentions(index, None, SearchFilters())]
    for cut in (0, 1, 37, len(everything) - 2):
        rest = [m.id for m in export.mentions(index, None, SearchFilters(), after=everything[cut])]
        assert rest == everything[cut + 1:]
    assert list(export.mentions(index, None, SearchFilters(), after=everything[-1])) == []
    with pytest.raises(BadRequest, match="no stored mention"):
        list(export.mentions(index, None, SearchFilters(), after="nope"))


def test_nothing_matches(index: IndexBackend) -> None:
    assert list(export.pages(index, None, SearchFilters(brands=["nobody"]))) == []
