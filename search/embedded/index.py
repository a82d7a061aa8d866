"""The embedded index backend: tantivy in a local folder, no servers."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import tantivy
from tantivy import FieldType, Order, Query

from earful.errors import BadRequest, IndexUnavailable
from earful.models import Mention
from earful.query import Node
from search import cursor as cursors
from search.base import IndexBackend, SearchFilters, SearchHit, SearchRequest, SearchResult
from search.embedded.aggs import normalize, translate
from search.embedded.errors import translate_errors
from search.embedded.query import QueryBuilder
from search.embedded.schema import build_schema, field_names, from_document, highlight_document, to_document

MAX_LIMIT = 500
HIGHLIGHT_FIELDS = ("title", "text")
_HASH_BATCH = 1024


class EmbeddedIndex(IndexBackend):
    """tantivy index at ``path``. Only one writable instance may hold a folder at a time."""

    def __init__(self, path: Path | str, *, writable: bool = True,
                 heap_size: int = 256_000_000, num_threads: int = 0, cursor_secret: bytes | Callable[[], bytes] | None = None) -> None:
        """``cursor_secret`` signs paging cursors (default: a random one, good for this process only)."""
        self.path = Path(path)
        self.signer = cursors.Signer(cursor_secret)
        self.writable = writable
        self._write_lock = threading.Lock()
        self._writer: tantivy.IndexWriter | None = None
        with translate_errors(self.path, "open the index"):
            self._index = self._open()
            if writable:
                self._writer = self._index.writer(heap_size, num_threads)
        self.schema = self._index.schema
        self._queries = QueryBuilder(self.schema)

    @staticmethod
    def exists(path: Path | str) -> bool:
        return Path(path).is_dir() and tantivy.Index.exists(str(path))

    def _open(self) -> tantivy.Index:
        if self.writable:
            self.path.mkdir(parents=True, exist_ok=True)
        if self.path.is_dir() and tantivy.Index.exists(str(self.path)):
            index = tantivy.Index.open(str(self.path))
            missing = field_names() - _schema_fields(self.path)
            if missing:
                raise IndexUnavailable(f"the index at {self.path} was built by an older version "
                                       f"(missing fields {sorted(missing)}); stop every Earful process "
                                       "that writes to it and run `earful index migrate` to rebuild it")
            return index
        if not self.writable:
            raise IndexUnavailable(f"no index at {self.path}; start the writer (earful run) first")
        return tantivy.Index(build_schema(), path=str(self.path))

    def _searcher(self) -> tantivy.Searcher:
        # Picks up commits made by any process; cheap (one meta.json read) when nothing changed.
        self._index.reload()
        return self._index.searcher()

    # -- writes ------------------------------------------------------------------------
    def upsert(self, mentions: Sequence[Mention]) -> int:
        if self._writer is None:
            raise IndexUnavailable(f"the index at {self.path} is not writable here (opened read-only "
                                   "or closed); writes go through the writer process")
        if not mentions:
            return 0
        with self._write_lock, translate_errors(self.path, "write to the index"):
            for mention in mentions:
                # Deletes apply to earlier operations only, so a repeated id in one batch keeps the last.
                self._writer.delete_documents_by_term("id", mention.id)
                self._writer.add_document(to_document(mention))
            self._writer.commit()
        return len(mentions)

    # -- reads -------------------------------------------------------------------------
    def get(self, ids: Sequence[str]) -> list[Mention]:
        if not ids:
            return []
        with translate_errors(self.path, "read mentions"):
            searcher = self._searcher()
            query = Query.term_set_query(self.schema, "id", list(ids))
            hits = searcher.search(query, len(ids), count=False).hits
            return [from_document(searcher.doc(address)) for _, address in hits]

    def find_by_content_hash(self, hashes: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(h for h in hashes if h))
        with translate_errors(self.path, "look up content hashes"):
            searcher = self._searcher()
            for start in range(0, len(unique), _HASH_BATCH):
                found.update(self._hash_batch(searcher, unique[start:start + _HASH_BATCH]))
        return found

    def _hash_batch(self, searcher: tantivy.Searcher, hashes: list[str]) -> dict[str, str]:
        query = self._queries.combine(None, SearchFilters(),
                                      Query.term_set_query(self.schema, "content_hash", hashes))
        limit = len(hashes)
        while True:
            result = searcher.search(query, limit, count=True, order_by_field="sort_key",
                                     order=Order.Asc)
            if result.count <= limit:
                break
            limit = result.count
        found: dict[str, str] = {}
        for _, address in result.hits:  # oldest first: the earliest original wins
            doc = searcher.doc(address)
            found.setdefault(doc.get_first("content_hash"), doc.get_first("id"))
        return found

    def search(self, request: SearchRequest) -> SearchResult:
        if not 1 <= request.limit <= MAX_LIMIT:
            raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}, got {request.limit}")
        if request.sort not in ("relevance", "newest", "oldest"):
            raise BadRequest(f"unknown sort {request.sort!r}; use relevance, newest or oldest")
        position = cursors.decode(request.cursor, request.sort, self.signer) if request.cursor else None
        with translate_errors(self.path, "search"):
            searcher = self._searcher()
            base = self._queries.combine(request.query, request.filters)
            if request.sort == "relevance":
                result, total, after = self._by_relevance(searcher, base, request, position)
            else:
                result, total, after = self._by_time(searcher, base, request, position)
            hits = self._hits(searcher, result, request)
        next_cursor = cursors.encode(cursors.Cursor(request.sort, after), self.signer) if after is not None else None
        return SearchResult(total=total, hits=hits, next_cursor=next_cursor)

    def _by_relevance(self, searcher: tantivy.Searcher, query: Query, request: SearchRequest,
                      position: cursors.Cursor | None) -> tuple[Any, int, int | None]:
        offset = position.after if position else 0
        limit = max(1, min(request.limit, cursors.MAX_OFFSET - offset))
        result = searcher.search(query, limit, count=True, offset=offset)
        end = offset + len(result.hits)
        return result, result.count, end if end < min(result.count, cursors.MAX_OFFSET) else None

    def _by_time(self, searcher: tantivy.Searcher, base: Query, request: SearchRequest,
                 position: cursors.Cursor | None) -> tuple[Any, int, int | None]:
        newest = request.sort == "newest"
        query = base
        if position is not None:
            bound = (None, position.after) if newest else (position.after, None)
            # tantivy insists an open end is inclusive.
            keyset = Query.range_query(self.schema, "sort_key", FieldType.Unsigned, *bound,
                                       include_lower=newest, include_upper=not newest)
            query = self._queries.combine(request.query, request.filters, keyset)
        result = searcher.search(query, request.limit, count=True, order_by_field="sort_key",
                                 order=Order.Desc if newest else Order.Asc)
        total = result.count if position is None else searcher.search(base, 1, count=True).count
        more = result.count > len(result.hits)
        return result, total, int(result.hits[-1][0]) if more and result.hits else None

    def _hits(self, searcher: tantivy.Searcher, result: Any, request: SearchRequest) -> list[SearchHit]:
        relevance = request.sort == "relevance"
        found = result.hits  # the binding builds a new list on every access
        generators = self._snippet_generators(searcher, request) if found else {}
        # Read in store order: neighbouring documents share a compressed block.
        in_order = sorted(range(len(found)), key=lambda i: _store_order(found[i][1]))
        docs = {i: searcher.doc(found[i][1]) for i in in_order}
        hits = []
        for position, (value, _) in enumerate(found):
            mention = from_document(docs[position])
            hit = SearchHit(mention=mention, score=float(value) if relevance else None)
            if generators:
                hit.highlight = _highlight(generators, mention)
            hits.append(hit)
        return hits

    def _snippet_generators(self, searcher: tantivy.Searcher,
                            request: SearchRequest) -> dict[str, tantivy.SnippetGenerator]:
        if not request.highlight or request.query is None:
            return {}
        query = self._queries.node(request.query)
        return {f: tantivy.SnippetGenerator.create(searcher, query, self.schema, f)
                for f in HIGHLIGHT_FIELDS}

    def aggregate(self, query: Node | None, filters: SearchFilters,
                  aggs: dict[str, Any]) -> dict[str, Any]:
        request = translate(aggs)
        if not request:
            return {}
        with translate_errors(self.path, "aggregate"):
            result = self._searcher().aggregate(self._queries.combine(query, filters), request)
        return normalize(aggs, result)

    def count(self, query: Node | None = None, filters: SearchFilters | None = None) -> int:
        with translate_errors(self.path, "count"):
            combined = self._queries.combine(query, filters or SearchFilters())
            return int(self._searcher().search(combined, 1, count=True).count)

    def close(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            with self._write_lock, translate_errors(self.path, "close the index"):
                writer.wait_merging_threads()


def _highlight(generators: dict[str, tantivy.SnippetGenerator], mention: Mention) -> dict[str, list[str]]:
    doc = highlight_document(mention)
    out: dict[str, list[str]] = {}
    for field, generator in generators.items():
        snippet = generator.snippet_from_doc(doc)
        if snippet.highlighted():
            out[field] = [snippet.to_html()]
    return out


def _store_order(address: Any) -> tuple[int, int]:
    return address.segment_ord, address.doc


def _schema_fields(path: Path) -> set[str]:
    """Field names of an existing index, from tantivy's meta.json (the binding exposes none)."""
    try:
        meta = json.loads((path / "meta.json").read_text("utf-8"))
        return {entry["name"] for entry in meta.get("schema", [])}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexUnavailable(f"cannot read {path / 'meta.json'} ({exc}); "
                               "the index is damaged: delete it and reindex") from exc
