"""The query-tree walk both index backends share; each backend supplies only its leaf queries.

Which node matches which field, how keyword fields are compared, and how ``NEAR`` is
approximated are decided here once, so a query matches the same mentions on tantivy and on
Elasticsearch. A leaf without a field searches title and text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from earful.errors import BadRequest
from earful.query.ast import And, Near, Node, Not, Or, Phrase, Term
from search.base import SearchFilters
from search.fields import normalize_site

Q = TypeVar("Q")

DEFAULT_FIELDS = ("title", "text")
KEYWORD_QUERY_FIELDS = {"brand": ("brands",), "source": ("source", "source_name"),
                        "sentiment": ("sentiment_label",), "lang": ("lang",),
                        "id": ("id",)}  # built by code (samples by id prefix), not parsed from q


def filter_terms(filters: SearchFilters) -> list[tuple[list[str], tuple[str, ...]]]:
    """(distinct values, fields any of which may hold one) for each active exact filter."""
    out: list[tuple[list[str], tuple[str, ...]]] = []
    for values, fields in ((filters.brands, ("brands",)),
                           (filters.sources, ("source", "source_name")),
                           (filters.langs, ("lang",)),
                           (filters.sentiments, ("sentiment_label",))):
        if values:
            out.append((list(dict.fromkeys(values)), fields))
    return out


class TreeTranslator(ABC, Generic[Q]):
    """Walks a parsed query tree; subclasses build the backend's queries for the leaves."""

    def node(self, node: Node) -> Q:
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, Phrase):
            if node.field in KEYWORD_QUERY_FIELDS or node.field == "site":
                return self._keyword(Term(" ".join(node.words), node.field))
            return self._on_fields(node.field, lambda f: self.phrase(f, list(node.words), node.slop))
        if isinstance(node, Near):
            return self._near(node)
        if isinstance(node, And):
            return self._and(node.children)
        if isinstance(node, Or):
            if not node.children:
                return self.nothing()
            return self.or_all([self.node(c) for c in node.children])
        if isinstance(node, Not):
            return self._and((node,))
        raise BadRequest(f"unsupported query node {type(node).__name__}")

    # -- leaves each backend builds --------------------------------------------------------
    @abstractmethod
    def text_field(self, name: str) -> str | None:
        """The index field a text search of ``name`` runs on; None when it cannot be searched as text."""

    @abstractmethod
    def phrase(self, field: str, words: list[str], slop: int) -> Q:
        """Words (tokenised by the index's analyzer) within ``slop`` positions, in order."""

    @abstractmethod
    def prefix(self, field: str, text: str) -> Q:
        """Words of which the last is a prefix."""

    @abstractmethod
    def exact(self, field: str, values: list[str]) -> Q:
        """Keyword field equal to any of ``values``."""

    @abstractmethod
    def keyword_prefix(self, field: str, value: str) -> Q:
        """Keyword field starting with ``value``."""

    @abstractmethod
    def all_of(self, clauses: list[tuple[bool, Q]]) -> Q:
        """Every (negated, query) clause holds; a purely negative list subtracts from everything."""

    @abstractmethod
    def or_all(self, queries: list[Q]) -> Q:
        """An OR node of the tree."""

    @abstractmethod
    def any_of(self, queries: list[Q]) -> Q:
        """At least one of ``queries`` (one query is returned as it is)."""

    @abstractmethod
    def nothing(self) -> Q:
        """Matches no mention."""

    # -- the shared walk -------------------------------------------------------------------
    def _and(self, children: Sequence[Node]) -> Q:
        return self.all_of([(True, self.node(c.child)) if isinstance(c, Not) else (False, self.node(c))
                            for c in children])

    def _on_fields(self, field: str | None, build: Callable[[str], Q]) -> Q:
        if field is None:
            return self.any_of([build(str(self.text_field(f))) for f in DEFAULT_FIELDS])
        name = self.text_field(field)
        if name is None:
            raise BadRequest(f"field {field!r} cannot be searched as text")
        return build(name)

    def _term(self, term: Term) -> Q:
        if term.field in KEYWORD_QUERY_FIELDS or term.field == "site":
            return self._keyword(term)
        if term.prefix:
            return self._on_fields(term.field, lambda f: self.prefix(f, term.text))
        return self._on_fields(term.field, lambda f: self.phrase(f, [term.text], 0))

    def _keyword(self, term: Term) -> Q:
        if term.field == "site":
            fields: tuple[str, ...] = ("site",)
            values = [normalize_site(term.text)]
        else:
            fields = KEYWORD_QUERY_FIELDS[str(term.field)]
            values = list(dict.fromkeys([term.text, term.text.lower()]))
        if term.prefix:
            return self.any_of([self.keyword_prefix(f, v) for f in fields for v in values])
        return self.any_of([self.exact(f, values) for f in fields])

    def _near(self, near: Near) -> Q:
        fields = {near.left.field, near.right.field}
        if len(fields) > 1:
            raise BadRequest("both sides of NEAR must search the same field")
        left, right = _words(near.left), _words(near.right)

        def build(field: str) -> Q:
            return self.any_of([self.phrase(field, left + right, near.distance),
                                self.phrase(field, right + left, near.distance)])

        return self._on_fields(fields.pop(), build)


def _words(node: Term | Phrase) -> list[str]:
    if isinstance(node, Term):
        if node.prefix:
            raise BadRequest("a NEAR side cannot be a prefix (wildcard) term")
        return [node.text]
    return list(node.words)
