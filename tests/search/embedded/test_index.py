from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from earful.errors import BadRequest, IndexUnavailable
from earful.models import Mention
from earful.query.ast import And, Near, Node, Not, Or, Phrase, Term
from search.base import SearchFilters, SearchRequest
from search.embedded import EmbeddedIndex

from ..conftest import CORPUS, at, make


def ids(index: EmbeddedIndex, query: Node | None = None, **filters: object) -> set[str]:
    chosen = SearchFilters(**filters)  # type: ignore[arg-type]
    request = SearchRequest(query=query, filters=chosen, limit=500, highlight=False)
    return {hit.mention.id for hit in index.search(request).hits}


def test_upsert_replaces_by_id(index: EmbeddedIndex) -> None:
    before = index.count(filters=SearchFilters(include_duplicates=True))
    changed = CORPUS[0].model_copy(update={"title": "Acme apology"})
    assert index.upsert([changed]) == 1
    assert index.count(filters=SearchFilters(include_duplicates=True)) == before == len(CORPUS)
    assert [m.title for m in index.get(["a1"])] == ["Acme apology"]
    assert ids(index, Term("outage", field="title")) == set()
    assert ids(index, Term("apology")) == {"a1"}


def test_get_rebuilds_whole_mentions(index: EmbeddedIndex) -> None:
    got = {m.id: m for m in index.get(["a2", "a4", "missing"])}
    assert got == {"a2": CORPUS[1], "a4": CORPUS[3]}


@pytest.mark.parametrize(("filters", "expected"), [
    ({"brands": ["globex"]}, {"a2", "a3"}),
    ({"brands": ["globex", "initech"]}, {"a2", "a3", "a4"}),
    ({"sources": ["reddit"]}, {"a2"}),
    ({"sources": ["blogs"]}, {"a5", "a8"}),  # a source's configured name works too
    ({"langs": ["ru", "ar"]}, {"a3", "a4"}),
    ({"sentiments": ["negative"]}, {"a1", "a4", "a7"}),
    ({"since": at(2024, 3, 5, 18)}, {"a4", "a5"}),  # since is inclusive
    ({"until": at(2024, 3, 1, 10)}, {"a8"}),  # until is exclusive
    ({"since": at(2024, 3, 2), "until": at(2024, 3, 5), "brands": ["acme"]}, {"a2", "a7"}),
])
def test_filters(index: EmbeddedIndex, filters: dict[str, object], expected: set[str]) -> None:
    assert ids(index, **filters) == expected


@pytest.mark.parametrize(("sort", "expected"), [
    ("newest", ["a5", "a4", "a7", "a3", "a2", "a1", "a8"]),
    ("oldest", ["a8", "a1", "a2", "a3", "a7", "a4", "a5"]),
])
def test_time_sorts(index: EmbeddedIndex, sort: str, expected: list[str]) -> None:
    result = index.search(SearchRequest(sort=sort, limit=50))  # type: ignore[arg-type]
    assert [h.mention.id for h in result.hits] == expected
    assert result.total == 7 and result.next_cursor is None


def page_all(index: EmbeddedIndex, request: SearchRequest, between: list[list[Mention]]) -> list[str]:
    seen: list[str] = []
    while True:
        result = index.search(request)
        seen += [h.mention.id for h in result.hits]
        if not result.next_cursor:
            return seen
        if between:
            index.upsert(between.pop(0))
        request = replace(request, cursor=result.next_cursor)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_keyset_paging_is_stable_while_documents_arrive(index: EmbeddedIndex, sort: str) -> None:
    newest = sort == "newest"
    edge = at(2030, 1, 1) if newest else at(2000, 1, 1)  # before page one: never shown
    late = at(2000, 1, 1) if newest else at(2030, 1, 1)  # beyond the cursor: shown at the end
    arrivals = [[make("new1", "fresh", edge)], [make("new2", "old news", late)],
                [make("new3", "fresh", edge + timedelta(days=1))]]
    seen = page_all(index, SearchRequest(sort=sort, limit=2), arrivals)  # type: ignore[arg-type]
    everything = index.search(SearchRequest(sort=sort, limit=50))  # type: ignore[arg-type]
    original = [h.mention.id for h in everything.hits if h.mention.id.startswith("a")]
    assert seen == original + ["new2"]
    assert len(seen) == len(set(seen))


def test_relevance_paging_by_offset(index: EmbeddedIndex) -> None:
    request = SearchRequest(sort="relevance", limit=3, highlight=False)
    seen = page_all(index, request, [])
    assert sorted(seen) == sorted(m.id for m in CORPUS if not m.duplicate_of)


def test_total_counts_all_pages(index: EmbeddedIndex) -> None:
    first = index.search(SearchRequest(sort="newest", limit=2))
    second = index.search(SearchRequest(sort="newest", limit=2, cursor=first.next_cursor))
    assert first.total == second.total == 7


@pytest.mark.parametrize("cursor", ["garbage!", "", "eyJzIjoibmV3ZXN0IiwiYSI6MX0"])
def test_bad_cursor_is_bad_request(index: EmbeddedIndex, cursor: str) -> None:
    with pytest.raises(BadRequest, match="cursor"):
        index.search(SearchRequest(sort="newest", cursor=cursor or "x"))


def test_tampered_or_misused_cursor_is_bad_request(index: EmbeddedIndex) -> None:
    token = index.search(SearchRequest(sort="newest", limit=2)).next_cursor
    assert token
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    with pytest.raises(BadRequest, match="cursor"):
        index.search(SearchRequest(sort="newest", limit=2, cursor=tampered))
    with pytest.raises(BadRequest, match="sort"):
        index.search(SearchRequest(sort="oldest", limit=2, cursor=token))


@pytest.mark.parametrize(("query", "expected"), [
    (Term("REFUND"), {"a1", "a7"}),
    (Term("refund", prefix=True), {"a1", "a7", "a8"}),
    (Term("e-mail"), {"a7"}),  # split like the indexer: a phrase "e mail"
    (Term("e-ma", prefix=True), {"a7"}),
    (Phrase(("gift", "card")), {"a2", "a7"}),
    (Phrase(("card", "gift")), set()),
    (Phrase(("refund", "broken")), set()),
    (Phrase(("refund", "broken"), slop=3), set()),  # four words apart
    (Phrase(("refund", "broken"), slop=4), {"a1"}),
    (Near(Term("support"), Term("refunded"), 2), {"a8"}),  # any order
    (Near(Term("refunded"), Term("kind"), 2), set()),
    (Near(Phrase(("gift", "card")), Term("mail"), 3), {"a7"}),
    (And((Term("refund"), Not(Term("outage")))), {"a7"}),
    (Not(Term("acme")), {"a3", "a4", "a7", "a8"}),  # purely negative
    (Or((Term("outage"), Not(Term("acme")))), {"a1", "a3", "a4", "a7", "a8"}),
    (Term("outage", field="title"), {"a1"}),
    (Term("hours", field="title"), set()),
    (Term("globex", field="brand"), {"a2", "a3"}),
    (Term("GLOBEX", field="brand"), {"a2", "a3"}),
    (Term("glo", field="brand", prefix=True), {"a2", "a3"}),
    (Term("reddit", field="source"), {"a2"}),
    (Term("trustpilot", field="source"), {"a3"}),
    (Term("negative", field="sentiment"), {"a1", "a4", "a7"}),
    (Term("ru", field="lang"), {"a3"}),
    (Term("example.com", field="site"), {"a1", "a7"}),  # subdomains included
    (Term("news.example.com", field="site"), {"a1"}),
    (Term("jane", field="author"), {"a1"}),
    (Phrase(("jane", "doe"), field="author"), {"a1"}),
])
def test_query_tree(index: EmbeddedIndex, query: Node, expected: set[str]) -> None:
    assert ids(index, query) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("привет", "a3"), ("ПРИВЕТ", "a3"), ("магазин", "a3"),
    ("مرحبا", "a4"), ("سيئة", "a4"), ("שלום", "a5"), ("עולם", "a5"),
])
def test_unicode_terms(index: EmbeddedIndex, word: str, expected: str) -> None:
    assert ids(index, Term(word)) == {expected}


def test_find_by_content_hash_returns_originals(index: EmbeddedIndex) -> None:
    assert index.find_by_content_hash(["h1", "h-a2", "nope", "h1"]) == {"h1": "a1", "h-a2": "a2"}
    assert index.find_by_content_hash([]) == {}


def test_reader_sees_writer_commits(index: EmbeddedIndex, index_path: Path) -> None:
    reader = EmbeddedIndex(index_path, writable=False)
    assert reader.count() == 7
    index.upsert([make("b1", "later news", at(2024, 4, 1))])
    assert reader.count() == 8
    assert [m.id for m in reader.get(["b1"])] == ["b1"]
    with pytest.raises(IndexUnavailable, match="read-only"):
        reader.upsert([make("b2", "x", at(2024, 4, 1))])


def test_second_writer_is_refused_with_advice(index: EmbeddedIndex, index_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="writer lock.*writable=False"):
        EmbeddedIndex(index_path)


def test_reader_needs_an_existing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="no index"):
        EmbeddedIndex(tmp_path / "absent", writable=False)


WRITER_SCRIPT = """
import sys
from datetime import datetime, timezone
from earful.models import Mention
from search.embedded import EmbeddedIndex
index = EmbeddedIndex(sys.argv[1])
index.upsert([Mention(id="p1", source="feed", source_name="s", text="from another process",
                      published_at=datetime(2024, 5, 1, tzinfo=timezone.utc))])
index.close()
"""


def test_reader_sees_commits_from_another_process(index: EmbeddedIndex, index_path: Path) -> None:
    index.close()  # release the writer lock for the other process
    reader = EmbeddedIndex(index_path, writable=False)
    assert reader.count(Term("another")) == 0
    subprocess.run([sys.executable, "-c", WRITER_SCRIPT, str(index_path)], check=True,
                   cwd=Path(__file__).resolve().parents[3])
    assert reader.count(Term("another")) == 1


@pytest.mark.parametrize(("stored", "typed"), [
    ("خدمة اکمی عالية", "اكمي"),  # Persian keheh/yeh in the text, Arabic letters typed
    ("خدمة اكمي عالية", "اکمی"),  # and the other way round
    ("المُنْتَج رائع", "المنتج"),  # harakat would otherwise split the word
    ("שֵׁרוּת מְצֻיָּן", "שרות"),  # niqqud
    ("Ёлка и ЁЖИК", "ежик"),  # ё folds to е, any case
])
def test_search_folds_text_as_brand_rules_do(tmp_path: Path, stored: str, typed: str) -> None:
    index = EmbeddedIndex(tmp_path / "fold")
    index.upsert([make("f1", stored, at(2024, 3, 1))])
    assert ids(index, Term(typed)) == {"f1"}
    index.close()
