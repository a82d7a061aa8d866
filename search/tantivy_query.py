"""Parsed query trees and search filters -> tantivy queries.

Words are tokenised with the index's own analyzer, so ``E-Mail`` becomes the phrase
``e mail`` exactly as it was indexed. A leaf without a field searches title and text.

``Near(a, b, n)`` is approximated with two slop phrases (a then b, b then a) allowing n
intervening positions. When a side is itself a phrase, the slop is shared by the gaps
inside that phrase too, so ``"a b" NEAR/3 c`` also matches ``a x b c``: slightly looser
than a true span query, never stricter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import tantivy
from tantivy import FieldType, Occur, Query

from earful.errors import BadRequest
from earful.query.ast import And, Near, Node, Not, Or, Phrase, Term
from search.base import SearchFilters
from search.schema import normalize_site, tokenize

DEFAULT_FIELDS = ("title", "text")
TEXT_QUERY_FIELDS = {"title": "title", "text": "text", "author": "author"}
KEYWORD_QUERY_FIELDS = {"brand": ("brands",), "source": ("source", "source_name"),
                        "sentiment": ("sentiment_label",), "lang": ("lang",)}
_REGEX_META = re.compile(r"([\\.+*?()|\[\]{}^$#&\-~\"<>@])")


class QueryBuilder:
    """Builds tantivy queries against one schema."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

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
                return Query.empty_query()
            return Query.boolean_query([(Occur.Should, self.node(c)) for c in node.children])
        if isinstance(node, Not):
            return self._and((node,))
        raise BadRequest(f"unsupported query node {type(node).__name__}")

    def _and(self, children: Sequence[Node]) -> Query:
        clauses = [(Occur.MustNot, self.node(c.child)) if isinstance(c, Not)
                   else (Occur.Must, self.node(c)) for c in children]
        if not any(occur == Occur.Must for occur, _ in clauses):
            # A purely negative clause needs something to subtract from.
            clauses.append((Occur.Must, Query.all_query()))
        return Query.boolean_query(clauses)

    def _on_fields(self, field: str | None, build) -> Query:  # type: ignore[no-untyped-def]
        if field is None:
            return _any([build(f) for f in DEFAULT_FIELDS])
        if field in TEXT_QUERY_FIELDS:
            return build(TEXT_QUERY_FIELDS[field])
        if field == "site":
            return build("site_text")
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
            return _any([Query.regex_query(self.schema, f, _regex_escape(v) + ".*")
                         for f in fields for v in values])
        return _any([self.exact(f, values) for f in fields])

    def exact(self, field: str, values: list[str]) -> Query:
        """Keyword equality; a plain term query walks skip lists faster than a one-value set."""
        if len(values) == 1:
            return Query.term_query(self.schema, field, values[0])
        return Query.term_set_query(self.schema, field, values)

    def _phrase(self, field: str, words: list[str], slop: int) -> Query:
        tokens = [t for w in words for t in tokenize(w)]
        if not tokens:
            return Query.empty_query()
        if len(tokens) == 1:
            return Query.term_query(self.schema, field, tokens[0])
        return Query.phrase_query(self.schema, field, tokens, slop)

    def _prefix(self, field: str, text: str) -> Query:
        tokens = tokenize(text)
        if not tokens:
            return Query.empty_query()
        if len(tokens) == 1:
            return Query.regex_query(self.schema, field, _regex_escape(tokens[0]) + ".*")
        return Query.phrase_prefix_query(self.schema, field, tokens)

    def _near(self, near: Near) -> Query:
        fields = {near.left.field, near.right.field}
        if len(fields) > 1:
            raise BadRequest("both sides of NEAR must search the same field")
        left, right = _words(near.left), _words(near.right)

        def build(field: str) -> Query:
            return _any([self._phrase(field, left + right, near.distance),
                         self._phrase(field, right + left, near.distance)])

        return self._on_fields(fields.pop(), build)

    # -- filters -----------------------------------------------------------------------
    def filters(self, filters: SearchFilters) -> list[Query]:
        """One query per active filter, scored 0 so they never change relevance."""
        out: list[Query] = []
        for values, fields in ((filters.brands, ("brands",)),
                               (filters.sources, ("source", "source_name")),
                               (filters.langs, ("lang",)),
                               (filters.sentiments, ("sentiment_label",))):
            if values:
                out.append(_any([self.exact(f, list(dict.fromkeys(values))) for f in fields]))
        if filters.since or filters.until:
            out.append(Query.range_query(self.schema, "published_at", FieldType.Date,
                                         filters.since, filters.until,
                                         include_lower=True, include_upper=filters.until is None))
        return [Query.const_score_query(q, 0.0) for q in out]

    def combine(self, node: Node | None, filters: SearchFilters, *extra: Query) -> Query:
        """The query tree ANDed with every filter (and any extra restriction)."""
        clauses = [(Occur.Must, q) for q in (*self.filters(filters), *extra)]
        if node is not None:
            clauses.insert(0, (Occur.Must, self.node(node)))
        if not filters.include_duplicates:
            # Excluding the few duplicates is far cheaper than intersecting with all originals.
            clauses.append((Occur.MustNot, Query.term_query(self.schema, "is_dup", 1)))
        if not any(occur == Occur.Must for occur, _ in clauses):
            clauses.append((Occur.Must, Query.all_query()))
        if len(clauses) == 1:
            return clauses[0][1]
        return Query.boolean_query(clauses)


def _words(node: Term | Phrase) -> list[str]:
    if isinstance(node, Term):
        if node.prefix:
            raise BadRequest("a NEAR side cannot be a prefix (wildcard) term")
        return [node.text]
    return list(node.words)


def _any(queries: list[Query]) -> Query:
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries])


def _regex_escape(text: str) -> str:
    return _REGEX_META.sub(r"\\\1", text)
