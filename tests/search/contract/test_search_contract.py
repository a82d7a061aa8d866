"""Queries, sorting, paging and highlighting behave the same on every backend."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from earful.errors import BadRequest
from earful.models import Mention
from earful.query import parse
from earful.query.ast import And, Near, Node, Not, Or, Phrase, Term
from search.base import QUERY_FIELDS, IndexBackend, SearchFilters, SearchRequest

from ..conftest import CORPUS, at, make


def ids(index: IndexBackend, query: Node | None = None, **filters: object) -> set[str]:
    chosen = SearchFilters(**filters)  # type: ignore[arg-type]
    request = SearchRequest(query=query, filters=chosen, limit=500, highlight=False)
    return {hit.mention.id for hit in index.search(request).hits}


@pytest.mark.parametrize(("sort", "expected"), [
    ("newest", ["a5", "a4", "a7", "a3", "a2", "a1", "a8"]),
    ("oldest", ["a8", "a1", "a2", "a3", "a7", "a4", "a5"]),
])
def test_time_sorts(index: IndexBackend, sort: str, expected: list[str]) -> None:
    result = index.search(SearchRequest(sort=sort, limit=50))  # type: ignore[arg-type]
    assert [h.mention.id for h in result.hits] == expected
    assert result.total == 7 and result.next_cursor is None
    assert all(h.score is None for h in result.hits)


def test_relevance_sort_orders_by_score(index: IndexBackend) -> None:
    result = index.search(SearchRequest(query=Term("refund"), sort="relevance"))
    scores = [h.score for h in result.hits]
    assert {h.mention.id for h in result.hits} == {"a1", "a7"}
    assert result.hits[0].mention.id == "a1"  # in the title and the text
    assert all(s is not None for s in scores)
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]


def page_all(index: IndexBackend, request: SearchRequest, between: list[list[Mention]]) -> list[str]:
    seen: list[str] = []
    for _ in range(100):
        result = index.search(request)
        seen += [h.mention.id for h in result.hits]
        if not result.next_cursor:
            return seen
        if between:
            index.upsert(between.pop(0))
        request = replace(request, cursor=result.next_cursor)
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_keyset_paging_is_stable_while_documents_arrive(index: IndexBackend, sort: str) -> None:
    newest = sort == "newest"
    edge = at(2030, 1, 1) if newest else at(2000, 1, 1)  # before page one: never shown
    late = at(2000, 1, 1) if newest else at(2030, 1, 1)  # beyond the cursor: shown at the end
    arrivals = [[make("new1", "fresh", edge)], [make("new2", "old news", late)],
                [make("new3", "fresh", edge + timedelta(days=1))]]
    seen = page_all(index, SearchRequest(sort=sort, limit=2), arrivals)  # type: ignore[arg-type]
    everything = index.search(SearchRequest(sort=sort, limit=50))  # type: ignore[arg-type]
    original = [h.mention.id for h in everything.hits if h.mention.id.startswith("a")]
    assert seen == original + ["new2"]


def test_keyset_paging_with_equal_timestamps(index: IndexBackend) -> None:
    same = [make(f"t{i}", "tie", at(2025, 1, 1)) for i in range(9)]
    index.upsert(same)
    seen = page_all(index, SearchRequest(query=Term("tie"), sort="newest", limit=4), [])
    assert sorted(seen) == sorted(m.id for m in same)


def test_relevance_paging_visits_every_match_once(index: IndexBackend) -> None:
    request = SearchRequest(sort="relevance", limit=3, highlight=False)
    seen = page_all(index, request, [])
    assert sorted(seen) == sorted(m.id for m in CORPUS if not m.duplicate_of)


def test_relevance_paging_with_a_query(index: IndexBackend) -> None:
    index.upsert([make(f"q{i}", f"refund number {i}", at(2024, 6, 1 + i)) for i in range(7)])
    seen = page_all(index, SearchRequest(query=Term("refund"), limit=2, highlight=False), [])
    assert len(seen) == len(set(seen)) == 9


def test_total_counts_all_pages(index: IndexBackend) -> None:
    first = index.search(SearchRequest(sort="newest", limit=2))
    second = index.search(SearchRequest(sort="newest", limit=2, cursor=first.next_cursor))
    assert first.total == second.total == 7
    assert {h.mention.id for h in first.hits}.isdisjoint(h.mention.id for h in second.hits)


@pytest.mark.parametrize("cursor", ["garbage!", "x", "eyJzIjoibmV3ZXN0IiwiYSI6MX0"])
@pytest.mark.parametrize("sort", ["newest", "relevance"])
def test_bad_cursor_is_bad_request(index: IndexBackend, cursor: str, sort: str) -> None:
    with pytest.raises(BadRequest, match="cursor"):
        index.search(SearchRequest(sort=sort, cursor=cursor))  # type: ignore[arg-type]


@pytest.mark.parametrize("sort", ["newest", "relevance"])
def test_tampered_or_misused_cursor_is_bad_request(index: IndexBackend, sort: str) -> None:
    token = index.search(SearchRequest(sort=sort, limit=2)).next_cursor  # type: ignore[arg-type]
    assert token
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    with pytest.raises(BadRequest, match="cursor"):
        index.search(SearchRequest(sort=sort, limit=2, cursor=tampered))  # type: ignore[arg-type]
    with pytest.raises(BadRequest, match="cursor"):
        index.search(SearchRequest(sort="oldest", limit=2, cursor=token))


@pytest.mark.parametrize("limit", [0, 501])
def test_limit_bounds(index: IndexBackend, limit: int) -> None:
    with pytest.raises(BadRequest, match="limit"):
        index.search(SearchRequest(limit=limit))


def test_highlights_are_marked_and_escaped(index: IndexBackend) -> None:
    hits = {h.mention.id: h.highlight for h in index.search(SearchRequest(query=Term("refund"))).hits}
    assert hits["a1"]["title"] == ["Acme <b>refund</b> outage"]
    assert "<b>refund</b>" in hits["a1"]["text"][0]
    assert "title" not in hits["a7"]
    assert "&lt;script&gt;" in hits["a7"]["text"][0] and "<script>" not in hits["a7"]["text"][0]


def test_highlight_marks_phrases_and_keeps_case(index: IndexBackend) -> None:
    query = parse('"gift card" OR refunded', fields=QUERY_FIELDS)
    hits = {h.mention.id: h.highlight for h in index.search(SearchRequest(query=query)).hits}
    assert set(hits) == {"a2", "a7", "a8"}
    assert "<b>Refunded</b>" in hits["a8"]["text"][0]
    # one mark per word or one around the phrase, as the engine prefers
    marked = " ".join(re.findall(r"<b>(.*?)</b>", hits["a7"]["text"][0]))
    assert marked.split() == ["gift", "card"]


def test_no_highlight_when_not_asked(index: IndexBackend) -> None:
    hits = index.search(SearchRequest(query=Term("refund"), highlight=False)).hits
    assert hits and all(h.highlight == {} for h in hits)


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
    (Or(()), set()),
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
    (Term("!!!"), set()),  # no word characters: matches nothing
])
def test_query_tree(index: IndexBackend, query: Node, expected: set[str]) -> None:
    assert ids(index, query) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("привет", "a3"), ("ПРИВЕТ", "a3"), ("магазин", "a3"),
    ("مرحبا", "a4"), ("سيئة", "a4"), ("سيئه", "a4"),  # teh marbuta and heh are folded together
    ("שלום", "a5"), ("עולם", "a5"),
])
def test_unicode_terms(index: IndexBackend, word: str, expected: str) -> None:
    assert ids(index, Term(word)) == {expected}


def test_folding_matches_letter_variants_both_ways(empty_index: IndexBackend) -> None:
    empty_index.upsert([make("f1", "خرید از اکمی عالی بود", at(2024, 1, 1), lang="fa"),
                        make("f2", "شركة اكمي ممتازة", at(2024, 1, 2), lang="ar"),
                        make("f3", "Ёлки и don't e-mail", at(2024, 1, 3), lang="ru")])
    assert ids(empty_index, Term("اكمي")) == {"f1", "f2"}
    assert ids(empty_index, Term("اکمی")) == {"f1", "f2"}
    assert ids(empty_index, Term("ёлки")) == ids(empty_index, Term("елки")) == {"f3"}
    assert ids(empty_index, Term("don't")) == ids(empty_index, Phrase(("don", "t"))) == {"f3"}


def test_unparsed_query_strings_match_alike(index: IndexBackend) -> None:
    query = parse('(refund* OR "gift card") AND NOT source:reddit AND site:example.com', fields=QUERY_FIELDS)
    assert ids(index, query) == {"a1", "a7"}
