"""Parsed query trees and search filters -> tantivy queries.

The tree walk is ``search/query_tree.py``'s, shared with the Elasticsearch backend. Words are
tokenised with the index's own analyzer, so ``E-Mail`` becomes the phrase ``e mail`` exactly
as it was indexed.

``Near(a, b, n)`` is approximated with two slop phrases (a then b, b then a) allowing n
intervening positions. When a side is itself a phrase, the slop is shared by the gaps
inside that phrase too, so ``"a b" NEAR/3 c`` also matches ``a x b c``: slightly looser
than a true span query, never stricter.
"""

from __future__ import annotations

import re

import tantivy
from tantivy import FieldType, Occur, Query

from earful.query.ast import Node
from search.base import SearchFilters
from search.fields import tokenize
from search.query_tree import TreeTranslator, filter_terms

TEXT_QUERY_FIELDS = {"title": "title", "text": "text", "author": "author"}
_REGEX_META = re.compile(r"([\\.+*?()|\[\]{}^$#&\-~\"<>@])")


class QueryBuilder(TreeTranslator[Query]):
    """Builds tantivy queries against one schema."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def text_field(self, name: str) -> str | None:
        return "site_text" if name == "site" else TEXT_QUERY_FIELDS.get(name)

    def all_of(self, clauses: list[tuple[bool, Query]]) -> Query:
        occurs = [(Occur.MustNot if negated else Occur.Must, q) for negated, q in clauses]
        if not any(occur == Occur.Must for occur, _ in occurs):
            # A purely negative clause needs something to subtract from.
            occurs.append((Occur.Must, Query.all_query()))
        return Query.boolean_query(occurs)

    def or_all(self, queries: list[Query]) -> Query:
        return Query.boolean_query([(Occur.Should, q) for q in queries])

    def any_of(self, queries: list[Query]) -> Query:
        return _any(queries)

    def nothing(self) -> Query:
        return Query.empty_query()

    def keyword_prefix(self, field: str, value: str) -> Query:
        return Query.regex_query(self.schema, field, _regex_escape(value) + ".*")

    def exact(self, field: str, values: list[str]) -> Query:
        """Keyword equality; a plain term query walks skip lists faster than a one-value set."""
        if len(values) == 1:
            return Query.term_query(self.schema, field, values[0])
        return Query.term_set_query(self.schema, field, values)

    def phrase(self, field: str, words: list[str], slop: int) -> Query:
        tokens = [t for w in words for t in tokenize(w)]
        if not tokens:
            return Query.empty_query()
        if len(tokens) == 1:
            return Query.term_query(self.schema, field, tokens[0])
        return Query.phrase_query(self.schema, field, tokens, slop)

    def prefix(self, field: str, text: str) -> Query:
        tokens = tokenize(text)
        if not tokens:
            return Query.empty_query()
        if len(tokens) == 1:
            return Query.regex_query(self.schema, field, _regex_escape(tokens[0]) + ".*")
        return Query.phrase_prefix_query(self.schema, field, tokens)

    # -- filters -----------------------------------------------------------------------
    def filters(self, filters: SearchFilters) -> list[Query]:
        """One query per active filter, scored 0 so they never change relevance."""
        out = [_any([self.exact(f, values) for f in fields]) for values, fields in filter_terms(filters)]
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


def _any(queries: list[Query]) -> Query:
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries])


def _regex_escape(text: str) -> str:
    return _REGEX_META.sub(r"\\\1", text)
