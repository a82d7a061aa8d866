"""The Elasticsearch index backend: time-based indices behind a read and a write alias.

New mentions go to the write alias; a mention that is already stored is replaced in the
index that holds it (found by id through the read alias), so an upsert never leaves an
old copy behind in a rolled-over index. Reads go to the read alias, over every index.
Nothing is sent over the network until the first call, so a process can start while the
cluster is down; every call then fails with IndexUnavailable until it is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError

from earful.errors import BadRequest, IndexUnavailable
from earful.models import Mention
from earful.query import Node
from earful.secrets import cursor_secret
from earful.settings import Settings
from search import cursor as cursors
from search.base import IndexBackend, SearchFilters, SearchHit, SearchRequest, SearchResult
from search.elasticsearch import admin as es_admin
from search.elasticsearch import bulk as es_bulk
from search.elasticsearch import cursor as es_cursor
from search.elasticsearch.aggs import translate_aggs
from search.elasticsearch.client import connect, display_url
from search.elasticsearch.errors import translate_errors
from search.elasticsearch.mapping import FOLDED_FIELDS, IndexNames, from_source, to_source
from search.elasticsearch.query import Query, combine, highlight_query
from search.elasticsearch.significant import significant_terms, significant_text_request, unsupported

logger = logging.getLogger(__name__)
MAX_LIMIT = 500
PIT_KEEP_ALIVE = "5m"
ROLLOVER_CHECK_SECONDS = 600.0
_LOOKUP_BATCH = 500
_HASH_BATCH = 1024
_PAGE = 1000
_EXCLUDES = sorted(FOLDED_FIELDS.values())  # indexed only; the original text is in _source
_TIME_ORDER = {"newest": "desc", "oldest": "asc"}


class ElasticsearchIndex(IndexBackend):
    """Mentions in Elasticsearch under ``names``; ``writable`` creates the indices on first write."""

    def __init__(self, client: Elasticsearch, names: IndexNames, *, url: str, writable: bool = True,
                 replicas: int | None = None, rollover_max_age: str | None = "30d",
                 rollover_max_size: str | None = "50gb", cursor_secret: bytes | Callable[[], bytes] | None = None) -> None:
        self.client = client
        self.signer = cursors.Signer(cursor_secret)
        self.names = names
        self.url = display_url(url)
        self.writable = writable
        self.replicas = replicas
        self.rollover_max_age = rollover_max_age
        self.rollover_max_size = rollover_max_size
        self._ready = False
        self._next_rollover_check = 0.0
        self._write_lock = threading.Lock()
        self._significant_text = True  # until the server says it has no such aggregation

    @classmethod
    def from_settings(cls, settings: Settings, *, writable: bool) -> ElasticsearchIndex:
        assert settings.es_url
        return cls(connect(settings), IndexNames(settings.es_index_prefix), url=settings.es_url,
                   writable=writable, replicas=settings.es_replicas,
                   rollover_max_age=settings.es_rollover_max_age,
                   rollover_max_size=settings.es_rollover_max_size, cursor_secret=lambda: cursor_secret(settings))

    # -- writes ------------------------------------------------------------------------
    def upsert(self, mentions: Sequence[Mention]) -> int:
        if not self.writable:
            raise IndexUnavailable("this Elasticsearch index was opened read-only; writes go through "
                                   "the writer process (earful run or earful worker)")
        if not mentions:
            return 0
        latest = list({m.id: m for m in mentions}.values())  # a repeated id keeps the last copy
        with self._write_lock, translate_errors(self.url, "write to the index"):
            self._prepare_writes()
            strays: list[tuple[str, str]] = []
            result = es_bulk.write(self.client, self._actions(latest, strays))
            es_bulk.check(result, len(latest))
            self._delete(strays)
            self.client.indices.refresh(index=self.names.read_alias)
        return len(mentions)

    def _ensure_index(self) -> None:
        """A writer creates the template, index and aliases on first use (a reader never does)."""
        if self.writable and not self._ready:
            es_admin.ensure_ready(self.client, self.names, self.replicas)
            self._ready = True

    def _prepare_writes(self) -> None:
        self._ensure_index()
        if time.monotonic() >= self._next_rollover_check:
            self._next_rollover_check = time.monotonic() + ROLLOVER_CHECK_SECONDS
            if self.rollover_max_age or self.rollover_max_size:
                try:
                    es_admin.rollover(self.client, self.names, max_age=self.rollover_max_age,
                                      max_size=self.rollover_max_size)
                except ApiError as exc:  # writes go on into the current index
                    logger.warning("rollover check of %s failed: %s", self.names.write_alias, exc)

    def _actions(self, mentions: list[Mention], strays: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
        """Index actions, generated a slice at a time so a large batch never sits in memory twice."""
        indexed_at = datetime.now(timezone.utc)
        for start in range(0, len(mentions), _LOOKUP_BATCH):
            chunk = mentions[start:start + _LOOKUP_BATCH]
            homes = self._locate([m.id for m in chunk])
            for mention in chunk:
                found = homes.get(mention.id, [])
                strays += [(index, mention.id) for index in found[1:]]
                yield {"_op_type": "index", "_index": found[0] if found else self.names.write_alias,
                       "_id": mention.id, "_source": to_source(mention, indexed_at)}

    def _locate(self, ids: list[str]) -> dict[str, list[str]]:
        """id -> indices holding it, newest index first (more than one only after a race)."""
        response = self.client.search(index=self.names.read_alias, query={"ids": {"values": ids}},
                                      source=False, size=min(10_000, 2 * len(ids)), track_total_hits=False)
        homes: dict[str, list[str]] = {}
        for hit in response["hits"]["hits"]:
            homes.setdefault(hit["_id"], []).append(hit["_index"])
        return {id: sorted(indices, reverse=True) for id, indices in homes.items()}

    def _delete(self, strays: list[tuple[str, str]]) -> None:
        if strays:
            operations = [{"delete": {"_index": index, "_id": id}} for index, id in strays]
            self.client.bulk(operations=operations)
            logger.info("removed %d stale copies of mentions from older indices", len(strays))

    # -- reads -------------------------------------------------------------------------
    def get(self, ids: Sequence[str]) -> list[Mention]:
        unique = list(dict.fromkeys(ids))
        if not unique:
            return []
        found: dict[str, Mention] = {}
        with translate_errors(self.url, "read mentions"):
            for start in range(0, len(unique), _LOOKUP_BATCH):
                chunk = unique[start:start + _LOOKUP_BATCH]
                response = self._search(query={"ids": {"values": chunk}}, size=2 * len(chunk))
                for hit in response["hits"]["hits"]:
                    found.setdefault(hit["_id"], from_source(hit["_source"]))
        return list(found.values())

    def find_by_content_hash(self, hashes: Sequence[str]) -> dict[str, str]:
        unique = list(dict.fromkeys(h for h in hashes if h))
        found: dict[str, str] = {}
        with translate_errors(self.url, "look up content hashes"):
            for start in range(0, len(unique), _HASH_BATCH):
                query = combine(None, SearchFilters(), {"terms": {"content_hash": unique[start:start + _HASH_BATCH]}})
                for source in self._scan(query, ["id", "content_hash"]):  # oldest first: the earliest wins
                    found.setdefault(source["content_hash"], source["id"])
        return found

    def _scan(self, query: Query, fields: list[str]) -> Iterator[dict[str, Any]]:
        """Sources of every match, oldest first, a page at a time."""
        after: list[Any] | None = None
        while True:
            response = self._search(query=query, size=_PAGE, source=fields, search_after=after,
                                    sort=[{"sort_key": "asc"}, {"id": "asc"}])
            hits = response["hits"]["hits"]
            yield from (hit["_source"] for hit in hits)
            if len(hits) < _PAGE:
                return
            after = hits[-1]["sort"]

    def _search(self, **body: Any) -> Any:
        self._ensure_index()
        body.setdefault("source_excludes", _EXCLUDES)
        body.setdefault("track_total_hits", False)
        if body.get("pit") is None:  # a point in time names its indices itself
            body["index"] = self.names.read_alias
        return self.client.search(**{k: v for k, v in body.items() if v is not None})

    def search(self, request: SearchRequest) -> SearchResult:
        if not 1 <= request.limit <= MAX_LIMIT:
            raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}, got {request.limit}")
        if request.sort not in ("relevance", "newest", "oldest"):
            raise BadRequest(f"unknown sort {request.sort!r}; use relevance, newest or oldest")
        with translate_errors(self.url, "search"):
            if request.sort == "relevance":
                response, next_cursor = self._by_relevance(request)
            else:
                response, next_cursor = self._by_time(request)
        hits = [self._hit(hit, request) for hit in response["hits"]["hits"][:request.limit]]
        return SearchResult(total=int(response["hits"]["total"]["value"]), hits=hits, next_cursor=next_cursor)

    def _body(self, request: SearchRequest) -> dict[str, Any]:
        body: dict[str, Any] = {"query": combine(request.query, request.filters), "size": request.limit + 1,
                                "track_total_hits": True}
        if request.highlight and request.query is not None:
            shown = highlight_query(request.query)
            body["highlight"] = {
                "pre_tags": ["<b>"], "post_tags": ["</b>"], "encoder": "html",
                "fields": {"title": {"number_of_fragments": 0, "highlight_query": shown},
                           "text": {"fragment_size": 150, "number_of_fragments": 1, "highlight_query": shown}}}
        return body

    def _by_time(self, request: SearchRequest) -> tuple[Any, str | None]:
        position = cursors.decode(request.cursor, request.sort, self.signer) if request.cursor else None
        body = self._body(request)
        body["sort"] = [{"sort_key": _TIME_ORDER[request.sort]}]
        if position is not None:
            body["search_after"] = [position.after]
        response = self._search(**body)
        hits = response["hits"]["hits"]
        if len(hits) <= request.limit:
            return response, None
        last = int(hits[request.limit - 1]["sort"][0])
        return response, cursors.encode(cursors.Cursor(request.sort, last), self.signer)

    def _by_relevance(self, request: SearchRequest) -> tuple[Any, str | None]:
        position = es_cursor.decode(request.cursor, self.signer) if request.cursor else None
        body = self._body(request)
        body["sort"] = [{"_score": "desc"}, {"sort_key": "desc"}]
        pit = position.pit if position else None
        if position is not None:
            body["search_after"] = position.after if pit else position.after[:2]
        if position is None:
            self._ensure_index()
            pit = self.client.open_point_in_time(index=self.names.read_alias, keep_alive=PIT_KEEP_ALIVE)["id"]
        try:
            response = self._search(**body, pit={"id": pit, "keep_alive": PIT_KEEP_ALIVE} if pit else None)
        except NotFoundError:
            if pit is None or position is None:
                raise
            # The point in time expired: carry on from the same place without a snapshot.
            body["search_after"] = position.after[:2]
            response, pit = self._search(**body), None
        pit = response.get("pit_id", pit)
        hits = response["hits"]["hits"]
        if len(hits) <= request.limit:
            if pit:
                self.client.options(ignore_status=404).close_point_in_time(id=pit)
            return response, None
        after = list(hits[request.limit - 1]["sort"])
        return response, es_cursor.encode(es_cursor.RelevanceCursor(after=after, pit=pit), self.signer)

    def _hit(self, hit: dict[str, Any], request: SearchRequest) -> SearchHit:
        score = float(hit["sort"][0]) if request.sort == "relevance" else None
        result = SearchHit(mention=from_source(hit["_source"]), score=score)
        for field, fragments in (hit.get("highlight") or {}).items():
            if field in ("title", "text") and fragments:
                result.highlight[field] = list(fragments)
        return result

    def aggregate(self, query: Node | None, filters: SearchFilters,
                  aggs: dict[str, Any]) -> dict[str, Any]:
        translated = translate_aggs(aggs)
        if not translated:
            return {}
        with translate_errors(self.url, "aggregate"):
            response = self._search(query=combine(query, filters), size=0, aggs=translated,
                                    source_excludes=None)
        return dict(response.get("aggregations") or {})

    def significant_terms(self, query: Node | None, foreground: SearchFilters, background: SearchFilters, *,
                          exclude: Sequence[str], size: int, sample_size: int, min_count: int) -> list[str]:
        """Elasticsearch's significant_text over a sample of the foreground (search/elasticsearch/significant.py)."""
        if not self._significant_text:
            return []
        body = significant_text_request(combine(query, foreground), combine(query, background),
                                        sample_size=sample_size, size=size, min_doc_count=min_count,
                                        exclude=list(exclude))
        try:
            with translate_errors(self.url, "find significant terms"):
                response = self._search(**body, source_excludes=None)
        except BadRequest as exc:
            if not unsupported(exc):
                raise
            logger.info("%s has no significant_text aggregation; themes use Earful's sampling alone", self.url)
            self._significant_text = False
            return []
        return [t.term for t in significant_terms(dict(response))]

    def count(self, query: Node | None = None, filters: SearchFilters | None = None) -> int:
        with translate_errors(self.url, "count"):
            self._ensure_index()
            response = self.client.count(index=self.names.read_alias,
                                         query=combine(query, filters or SearchFilters()))
        return int(response["count"])

    def close(self) -> None:
        self.client.close()
