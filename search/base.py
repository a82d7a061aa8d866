"""The index interface every backend implements, and the request/response values it speaks."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from earful.models import Mention
from earful.query import Node
from earful.query.fields import QUERY_FIELDS
from search import cursor as cursors

Sort = Literal["relevance", "newest", "oldest"]

__all__ = ["QUERY_FIELDS", "IndexBackend", "SearchFilters", "SearchHit", "SearchRequest", "SearchResult", "Sort"]


@dataclass
class SearchFilters:
    """Exact filters; an empty list means no restriction. ``until`` is exclusive."""

    brands: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    sentiments: list[str] = field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    include_duplicates: bool = False  # exact copies are stored but counted once by default


@dataclass
class SearchRequest:
    query: Node | None = None  # parsed query string; None matches everything
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: Sort = "relevance"
    limit: int = 50
    cursor: str | None = None  # opaque, from a previous SearchResult.next_cursor
    highlight: bool = True


@dataclass
class SearchHit:
    mention: Mention
    score: float | None = None
    highlight: dict[str, list[str]] = field(default_factory=dict)  # field -> HTML fragments


@dataclass
class SearchResult:
    total: int
    hits: list[SearchHit]
    next_cursor: str | None = None


class IndexBackend(ABC):
    """Where mentions live. Writes are upserts by id; reads see every committed write."""

    signer: cursors.Signer = cursors.Signer()  # each backend signs with the installation's key

    def time_cursor(self, sort: Sort, after: int) -> str:
        """A cursor that goes on after ``sort_key`` ``after`` in a time sort (for resuming an export)."""
        return cursors.encode(cursors.Cursor(sort, after), self.signer)

    @abstractmethod
    def upsert(self, mentions: Sequence[Mention]) -> int:
        """Store (or replace, by id) and commit; returns how many were written."""

    @abstractmethod
    def get(self, ids: Sequence[str]) -> list[Mention]:
        """The stored mentions with these ids, in no particular order."""

    @abstractmethod
    def find_by_content_hash(self, hashes: Sequence[str]) -> dict[str, str]:
        """content_hash -> id of a stored original (not itself a duplicate) with that hash."""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResult:
        """Matching mentions, sorted and paged; raises BadRequest for an invalid cursor."""

    @abstractmethod
    def aggregate(self, query: Node | None, filters: SearchFilters,
                  aggs: dict[str, Any]) -> dict[str, Any]:
        """Run Elasticsearch-format aggregations; returns ES's ``aggregations`` object.

        Supported everywhere: date_histogram (fixed_interval, offset, extended_bounds,
        min_doc_count), terms, avg, stats, range, filter (ES query DSL: term, terms,
        range, bool, match_all, exists), and sub-aggregations.
        """

    @abstractmethod
    def count(self, query: Node | None = None, filters: SearchFilters | None = None) -> int:
        """How many mentions match."""

    def significant_terms(self, query: Node | None, foreground: SearchFilters, background: SearchFilters, *,
                          exclude: Sequence[str], size: int, sample_size: int, min_count: int) -> list[str]:
        """Words far more frequent in the foreground, when the engine finds them itself; none by default.

        Only candidates: callers count and score them the same way on every backend.
        """
        return []

    def close(self) -> None:
        """Release files or connections."""
