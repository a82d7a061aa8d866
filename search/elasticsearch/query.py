"""Parsed query trees and search filters -> Elasticsearch query DSL, as plain dicts.

The tree is walked by ``search/query_tree.py``, as for tantivy, so a
query matches the same mentions on both backends: words are folded and tokenised by
Earful's own analyzer, then looked up in the ``*_folded`` fields, which hold the same
tokens. Rendering the tree as ``query_string`` would let Elasticsearch re-analyse the
words with different rules (apostrophes, Arabic letter variants), so it is not used.

``highlight_query`` builds the same tree against the original ``title``/``text`` fields,
only to tell the highlighter which words to mark.
"""

from __future__ import annotations

from typing import Any

from earful.query.ast import Node
from search.base import SearchFilters
from search.fields import tokenize
from search.query_tree import TreeTranslator, filter_terms

Query = dict[str, Any]
MATCH_ALL: Query = {"match_all": {}}
MATCH_NONE: Query = {"match_none": {}}
TEXT_FIELDS = ("title", "text", "author")
FOLDED = "{}_folded"


class QueryBuilder(TreeTranslator[Query]):
    """Builds DSL for the folded match fields or, with ``display=True``, the original ones."""

    def __init__(self, *, display: bool = False) -> None:
        self.display = display

    def _field(self, name: str) -> str:
        return name if self.display else FOLDED.format(name)

    def text_field(self, name: str) -> str | None:
        return self._field(name) if name in TEXT_FIELDS else None

    def all_of(self, clauses: list[tuple[bool, Query]]) -> Query:
        must = [q for negated, q in clauses if not negated]
        must_not = [q for negated, q in clauses if negated]
        if not must:
            must = [MATCH_ALL]  # a purely negative clause needs something to subtract from
        body: dict[str, Any] = {"must": must}
        if must_not:
            body["must_not"] = must_not
        return {"bool": body}

    def or_all(self, queries: list[Query]) -> Query:
        return {"bool": {"should": queries, "minimum_should_match": 1}}

    def any_of(self, queries: list[Query]) -> Query:
        return _any(queries)

    def nothing(self) -> Query:
        return MATCH_NONE

    def keyword_prefix(self, field: str, value: str) -> Query:
        return {"prefix": {field: value}}

    def exact(self, field: str, values: list[str]) -> Query:
        return exact(field, values)

    def phrase(self, field: str, words: list[str], slop: int) -> Query:
        tokens = [t for w in words for t in tokenize(w)]
        if not tokens:
            return MATCH_NONE
        if len(tokens) == 1 and not self.display:
            return {"term": {field: tokens[0]}}
        body: dict[str, Any] = {"query": " ".join(tokens)}
        if slop:
            body["slop"] = slop
        return {"match_phrase": {field: body}}

    def prefix(self, field: str, text: str) -> Query:
        tokens = tokenize(text)
        if not tokens:
            return MATCH_NONE
        if len(tokens) == 1:
            return {"prefix": {field: tokens[0]}}
        return {"match_phrase_prefix": {field: " ".join(tokens)}}


def exact(field: str, values: list[str]) -> Query:
    if len(values) == 1:
        return {"term": {field: values[0]}}
    return {"terms": {field: values}}


def filter_clauses(filters: SearchFilters) -> list[Query]:
    """One clause per active filter; they go in filter context, so they never change scores."""
    out = [_any([exact(f, values) for f in fields]) for values, fields in filter_terms(filters)]
    if filters.since or filters.until:
        bounds: dict[str, Any] = {}
        if filters.since:
            bounds["gte"] = filters.since.isoformat()
        if filters.until:
            bounds["lt"] = filters.until.isoformat()
        out.append({"range": {"published_at": bounds}})
    return out


def combine(node: Node | None, filters: SearchFilters, *extra: Query) -> Query:
    """The query tree ANDed with every filter (and any extra restriction)."""
    body: dict[str, Any] = {"filter": [*filter_clauses(filters), *extra]}
    if node is not None:
        body["must"] = [QueryBuilder().node(node)]
    if not filters.include_duplicates:
        body["must_not"] = [{"term": {"is_dup": 1}}]
    if not body["filter"]:
        del body["filter"]
    return {"bool": body} if body else MATCH_ALL


def highlight_query(node: Node) -> Query:
    return QueryBuilder(display=True).node(node)


def _any(queries: list[Query]) -> Query:
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}
