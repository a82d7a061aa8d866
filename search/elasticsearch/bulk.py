"""Bulk writes that retry what can succeed later and report what cannot.

``helpers.streaming_bulk`` sends the lazily generated actions in bounded chunks (so memory
stays flat however large the input) and retries single documents rejected with 429 or 5xx
with exponential backoff. Anything still failing afterwards is logged per document and
raised, so the caller keeps the whole batch (re-sending it is idempotent: ids are stable).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch, helpers

from earful.errors import IndexUnavailable
from search.elasticsearch.client import RETRY_STATUSES

logger = logging.getLogger(__name__)
CHUNK_DOCS = 500
CHUNK_BYTES = 10 * 1024 * 1024
_LOGGED_FAILURES = 10


@dataclass
class BulkFailure:
    id: str
    status: int
    reason: str


class BulkWriteError(IndexUnavailable):
    """Some documents were not stored; ``failures`` says which and why."""

    def __init__(self, message: str, failures: list[BulkFailure]) -> None:
        super().__init__(message)
        self.failures = failures

    @property
    def permanent(self) -> bool:
        """Every failure is a rejection of the document itself: resending the same batch cannot help."""
        return bool(self.failures) and all(400 <= f.status < 500 and f.status != 429 for f in self.failures)


@dataclass
class BulkResult:
    written: int = 0
    failures: list[BulkFailure] = field(default_factory=list)


def write(client: Elasticsearch, actions: Iterable[dict[str, Any]], *, max_retries: int = 5,
          initial_backoff: float = 1.0, max_backoff: float = 30.0) -> BulkResult:
    """Send ``actions``; returns the count written and every document that failed."""
    result = BulkResult()
    for ok, item in helpers.streaming_bulk(
            client, actions, chunk_size=CHUNK_DOCS, max_chunk_bytes=CHUNK_BYTES, raise_on_error=False,
            raise_on_exception=True, max_retries=max_retries, initial_backoff=initial_backoff,
            max_backoff=max_backoff, retry_on_status=RETRY_STATUSES, yield_ok=False):
        if ok:
            continue
        op = next(iter(item.values()))
        result.failures.append(BulkFailure(id=str(op.get("_id")), status=int(op.get("status", 0)),
                                           reason=_reason(op.get("error"))))
    return result


def check(result: BulkResult, total: int) -> None:
    """Log each failed document and raise BulkWriteError if there was any."""
    result.written = total - len(result.failures)
    if not result.failures:
        return
    for failure in result.failures[:_LOGGED_FAILURES]:
        logger.error("mention %s not indexed: %s %s", failure.id, failure.status, failure.reason)
    more = len(result.failures) - _LOGGED_FAILURES
    if more > 0:
        logger.error("… and %d more mentions not indexed", more)
    statuses = sorted({f.status for f in result.failures})
    hint = ("the cluster is overloaded or unhealthy: check GET _cluster/health"
            if all(s == 429 or s >= 500 for s in statuses)
            else "the documents do not fit the index mappings: run 'earful index migrate' after an upgrade")
    raise BulkWriteError(f"{len(result.failures)} of {total} mentions were not indexed "
                         f"(statuses {statuses}, first: {result.failures[0].reason}); {hint}",
                         result.failures)


def _reason(error: Any) -> str:
    if isinstance(error, dict):
        return f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    return str(error)
