"""Parsed query trees and search filters -> Elasticsearch query DSL, as plain dicts.

The tree is translated leaf by leaf exactly as ``tantivy_query.QueryBuilder`` does, so a
query matches the same mentions on both backends: words are folded and tokenised by
Earful's own analyzer, then looked up in the ``*_folded`` fields, which hold the same
tokens. Rendering the tree as ``query_string`` would let Elasticsearch re-analyse the
words with different rules (apostrophes, Arabic letter variants), so it is not used.

``highlight_query`` builds the same tree against the original ``title``/``text`` fields,
only to tell the highlighter which words to mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from earful.errors import BadRequest
from earful.query.ast import And, Near, Node, Not, Or, Phrase, Term
from search.base import SearchFilters
from search.schema import normalize_site, tokenize

Query = dict[str, Any]
MATCH_ALL: Query = {"match_all": {}}
MATCH_NONE: Query = {"match_none": {}}
DEFAULT_FIELDS = ("title", "text")
TEXT_FIELDS = ("title", "text", "author")
KEYWORD_QUERY_FIELDS = {"brand": ("brands",), "source": ("source", "source_name"),
                        "sentiment": ("sentiment_label",), "lang": ("lang",)}
FOLDED = "{}_folded"


class QueryBuilder:
    """Builds DSL for the folded match fields or, with ``display=True``, the original ones."""

    def __init__(self, *, display: bool = False) -> None:
        self.display = display

    def _field(self, name: str) -> str:
        return name if self.display else FOLDED.format(name)

    # -- query trees -------------------------------------------------------------------
    def node(self, node: Node) -> Query:
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, Phrase):
            if node.field in KEYWORD_QUERY_FIELDS or node.field == "site":
                return self._keyword(Term(" ".join(node.words), node.field))
            return self._on_fields(node.field, lambda f: self._phrase(f, list(node.words), node.slop))
        if isinstance(node, Near):
            return self._near(node)
        if isinstance(node, And):
            return self._and(node.children)
        if isinstance(node, Or):
            if not node.children:
                return MATCH_NONE
            return {"bool": {"should": [self.node(c) for c in node.children], "minimum_should_match": 1}}
        if isinstance(node, Not):
            return self._and((node,))
        raise BadRequest(f"unsupported query node {type(node).__name__}")

    def _and(self, children: Sequence[Node]) -> Query:
        must = [self.node(c) for c in children if not isinstance(c, Not)]
        must_not = [self.node(c.child) for c in children if isinstance(c, Not)]
        if not must:
            must = [MATCH_ALL]  # a purely negative clause needs something to subtract from
        body: dict[str, Any] = {"must": must}
        if must_not:
            body["must_not"] = must_not
        return {"bool": body}

    def _on_fields(self, field: str | None, build: Any) -> Query:
        if field is None:
            return _any([build(self._field(f)) for f in DEFAULT_FIELDS])
        if field in TEXT_FIELDS:
            return build(self._field(field))  # type: ignore[no-any-return]
        raise BadRequest(f"field {field!r} cannot be searched as text")

    def _term(self, term: Term) -> Query:
        if term.field in KEYWORD_QUERY_FIELDS or term.field == "site":
            return self._keyword(term)
        if term.prefix:
            return self._on_fields(term.field, lambda f: self._prefix(f, term.text))
        return self._on_fields(term.field, lambda f: self._phrase(f, [term.text], 0))

    def _keyword(self, term: Term) -> Query:
        if term.field == "site":
            fields: tuple[str, ...] = ("site",)
            values = [normalize_site(term.text)]
        else:
            fields = KEYWORD_QUERY_FIELDS[str(term.field)]
            values = list(dict.fromkeys([term.text, term.text.lower()]))
        if term.prefix:
            return _any([{"prefix": {f: v}} for f in fields for v in values])
        return _any([exact(f, values) for f in fields])

    def _phrase(self, field: str, words: list[str], slop: int) -> Query:
        tokens = [t for w in words for t in tokenize(w)]
        if not tokens:
            return MATCH_NONE
        if len(tokens) == 1 and not self.display:
            return {"term": {field: tokens[0]}}
        body: dict[str, Any] = {"query": " ".join(tokens)}
        if slop:
            body["slop"] = slop
        return {"match_phrase": {field: body}}

    def _prefix(self, field: str, text: str) -> Query:
        tokens = tokenize(text)
        if not tokens:
            return MATCH_NONE
        if len(tokens) == 1:
            return {"prefix": {field: tokens[0]}}
        return {"match_phrase_prefix": {field: " ".join(tokens)}}

    def _near(self, near: Near) -> Query:
        fields = {near.left.field, near.right.field}
        if len(fields) > 1:
            raise BadRequest("both sides of NEAR must search the same field")
        left, right = _words(near.left), _words(near.right)

        def build(field: str) -> Query:
            return _any([self._phrase(field, left + right, near.distance),
                         self._phrase(field, right + left, near.distance)])

        return self._on_fields(fields.pop(), build)


def exact(field: str, values: list[str]) -> Query:
    if len(values) == 1:
        return {"term": {field: values[0]}}
    return {"terms": {field: values}}


def filter_clauses(filters: SearchFilters) -> list[Query]:
    """One clause per active filter; they go in filter context, so they never change scores."""
    out: list[Query] = []
    for values, fields in ((filters.brands, ("brands",)),
                           (filters.sources, ("source", "source_name")),
                           (filters.langs, ("lang",)),
                           (filters.sentiments, ("sentiment_label",))):
        if values:
            out.append(_any([exact(f, list(dict.fromkeys(values))) for f in fields]))
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


def _words(node: Term | Phrase) -> list[str]:
    if isinstance(node, Term):
        if node.prefix:
            raise BadRequest("a NEAR side cannot be a prefix (wildcard) term")
        return [node.text]
    return list(node.words)


def _any(queries: list[Query]) -> Query:
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}
