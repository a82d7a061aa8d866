"""Background refinement: the accurate (slow) scorer replaces provisional sentiment in the index.

Intake indexes each mention with a fast provisional score (or none) and queues its id here;
the ``Refiner`` takes batches, scores them with the accurate scorer (the embedding engine spreads
each batch over all cores and releases the GIL), and writes the new ``Sentiment`` back. A mention
that changed meanwhile (re-collected, edited) is left alone: its newer version was queued again.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from earful.errors import IndexUnavailable
from earful.models import Mention, Sentiment
from earful.settings import Settings
from search.base import IndexBackend, SearchFilters, SearchRequest
from workers.pipeline import WRITE_LOCK, scoring_input
from workers.sentiment import SentimentRouter, is_pending, router_from_settings
from workers.sentiment.rating import SUFFIX as RATING_SUFFIX

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
LEASE_SECONDS = 600.0  # a batch taken by a refiner that died is handed out again after this


class RefineQueue(ABC):
    """Ids of indexed mentions waiting for the accurate scorer. Adding an id twice keeps one entry."""

    @abstractmethod
    def add(self, ids: Sequence[str]) -> None:
        """Queue (or re-queue) these ids; a re-queued id is refined again even if taken now."""

    @abstractmethod
    def take(self, limit: int) -> list[str]:
        """Up to ``limit`` ids, oldest first, leased to the caller until ``done`` or ``release``."""

    @abstractmethod
    def done(self, ids: Sequence[str]) -> None:
        """Forget taken ids (unless re-queued since they were taken)."""

    @abstractmethod
    def release(self, ids: Sequence[str]) -> None:
        """Give taken ids back, to be taken again."""

    @abstractmethod
    def pending(self) -> int:
        """How many ids wait (taken ones included)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""


class SQLiteRefineQueue(RefineQueue):
    """The queue in one SQLite file (WAL) under the data directory; safe across threads and processes."""

    _SCHEMA = """CREATE TABLE IF NOT EXISTS refine (
        id TEXT PRIMARY KEY, queued_at REAL NOT NULL, leased_until REAL NOT NULL DEFAULT 0)"""

    def __init__(self, path: Path | str, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        with self._lock:
            self._connection().execute(self._SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():  # never share a connection across fork()
            conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA busy_timeout={int(self._timeout * 1000)}")
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction for many rows: in autocommit mode each row would be its own (and sync)."""
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def add(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        now = time.time()
        with self._lock, self._transaction() as conn:
            conn.executemany(
                "INSERT INTO refine (id, queued_at, leased_until) VALUES (?, ?, 0) "
                "ON CONFLICT(id) DO UPDATE SET leased_until = 0", [(i, now) for i in dict.fromkeys(ids)])

    def take(self, limit: int) -> list[str]:
        now = time.time()
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                rows = conn.execute("SELECT id FROM refine WHERE leased_until < ? ORDER BY queued_at, id LIMIT ?",
                                    (now, limit)).fetchall()
                ids = [row[0] for row in rows]
                conn.executemany("UPDATE refine SET leased_until = ? WHERE id = ?",
                                 [(now + LEASE_SECONDS, i) for i in ids])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return ids

    def done(self, ids: Sequence[str]) -> None:
        with self._lock, self._transaction() as conn:
            conn.executemany("DELETE FROM refine WHERE id = ? AND leased_until > 0", [(i,) for i in ids])

    def release(self, ids: Sequence[str]) -> None:
        with self._lock, self._transaction() as conn:
            conn.executemany("UPDATE refine SET leased_until = 0 WHERE id = ?", [(i,) for i in ids])

    def pending(self) -> int:
        with self._lock:
            return int(self._connection().execute("SELECT COUNT(*) FROM refine").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def refine_queue_path(settings: Settings) -> Path:
    return settings.data_dir / "refine.sqlite3"


def is_outdated(mention: Mention, router: SentimentRouter) -> bool:
    """Scored (or left unscored) by something other than the scorer now configured for its
    language: after a change of scorers or a new scorer version, its sentiment is stale."""
    scorer = router.scorer_for(mention.lang)
    if scorer is None or is_pending(mention.sentiment):
        return False
    model = mention.sentiment.model
    return model is None or model.removesuffix(RATING_SUFFIX) != scorer.name


def needs_scoring(mention: Mention, router: SentimentRouter) -> bool:
    """Pending, or scored by another scorer than today's: what the refiner scores."""
    return is_pending(mention.sentiment) or is_outdated(mention, router)


def queue_outdated(index: IndexBackend, router: SentimentRouter, queue: RefineQueue,
                   filters: SearchFilters | None = None, progress: Progress | None = None,
                   *, page_size: int = 500) -> tuple[int, int]:
    """Queues every stored mention (matching ``filters``) whose sentiment is stale or pending;
    returns (mentions examined, mentions queued). The refiner then rescores them."""
    filters = filters or SearchFilters()
    filters.include_duplicates = True  # copies carry their own sentiment
    examined = queued = 0
    cursor: str | None = None
    last = time.monotonic()
    while True:
        result = index.search(SearchRequest(filters=filters, sort="oldest", limit=page_size, cursor=cursor,
                                            highlight=False))
        stale = [hit.mention.id for hit in result.hits if needs_scoring(hit.mention, router)]
        if stale:
            queue.add(stale)
        examined += len(result.hits)
        queued += len(stale)
        if progress and time.monotonic() - last >= 5.0:
            last = time.monotonic()
            progress(f"  examined {examined}/{result.total}, {queued} to rescore")
        cursor = result.next_cursor
        if not cursor or not result.hits:
            return examined, queued


@dataclass
class RefineStats:
    taken: int = 0
    refined: int = 0  # written back with the accurate score
    skipped: int = 0  # gone, already final, or changed meanwhile (its newer version is queued)
    failed: int = 0  # the scorer could not run; given back to the queue


class Refiner:
    """Takes queued ids in batches, scores them with the accurate scorer, writes them back."""

    def __init__(self, queue: RefineQueue, index: IndexBackend, router: SentimentRouter, *,
                 batch_size: int = 64) -> None:
        self.queue = queue
        self.index = index
        self.router = router
        self.batch_size = batch_size

    def refine_batch(self) -> RefineStats:
        """One batch; an empty RefineStats when nothing is waiting."""
        ids = self.queue.take(self.batch_size)
        stats = RefineStats(taken=len(ids))
        if not ids:
            return stats
        try:
            todo = [m for m in self.index.get(ids) if needs_scoring(m, self.router)]
            items, stars = scoring_input(todo)
            scored = self.router.score(items, stars)
        except Exception:
            self.queue.release(ids)
            raise
        final, failed = {}, []
        for mention, sentiment in zip(todo, scored):
            # No final score although a scorer is configured: it failed (logged by the router).
            if (sentiment.model is None or is_pending(sentiment)) and self.router.scorer_for(mention.lang):
                failed.append(mention.id)
            else:
                final[mention.id] = sentiment
        stats.failed = len(failed)
        stats.refined = self._write_back([m for m in todo if m.id in final], final)
        stats.skipped = len(ids) - stats.refined - stats.failed
        self.queue.release(failed)
        self.queue.done([i for i in ids if i not in set(failed)])
        return stats

    def _write_back(self, mentions: list[Mention], sentiments: dict[str, Sentiment]) -> int:
        """Upsert the refined copies, skipping any mention whose stored version changed meanwhile."""
        with WRITE_LOCK:
            current = {m.id: m for m in self.index.get([m.id for m in mentions])}
            fresh = []
            for mention in mentions:
                now = current.get(mention.id)
                if now is None or now.model_dump() != mention.model_dump():
                    continue  # deleted or newer: a newer pending version is queued again
                fresh.append(mention.model_copy(update={"sentiment": sentiments[mention.id]}))
            return self.index.upsert(fresh) if fresh else 0

    def run_once(self, progress: Progress | None = None, *, every: float = 5.0) -> RefineStats:
        """Refine until the queue is empty (or only failing batches remain), with progress."""
        total = RefineStats()
        started = last = time.monotonic()
        waiting = self.queue.pending()
        if waiting and progress:
            progress(f"refining sentiment of {waiting} mentions with the accurate scorer …")
        while True:
            stats = self.refine_batch()
            for name in ("taken", "refined", "skipped", "failed"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
            if not stats.taken or stats.failed == stats.taken:
                break
            if progress and time.monotonic() - last >= every:
                last = time.monotonic()
                rate = total.taken / (last - started)
                progress(f"  refined {total.refined}/{waiting} ({rate:.0f}/s)")
        if progress and total.taken:
            progress(f"refined {total.refined} mentions in {time.monotonic() - started:.1f}s "
                     f"(skipped {total.skipped}, failed {total.failed}); {self.queue.pending()} still queued")
        return total

    def run_forever(self, stop: threading.Event, *, idle: float = 5.0) -> None:
        """Until ``stop`` is set: refine whatever is queued, then wait ``idle`` seconds."""
        while not stop.is_set():
            try:
                stats = self.refine_batch()
            except IndexUnavailable as exc:
                logger.warning("refiner: index unavailable (%s); retrying in %.0fs", exc, idle)
                stats = RefineStats()
            except Exception:  # the refiner must outlive any one bad batch
                logger.exception("refiner: batch failed; retrying in %.0fs", idle)
                stats = RefineStats()
            if not stats.taken or stats.failed:
                stop.wait(idle if not stats.failed else idle * 12)


def refines(settings: Settings, router: SentimentRouter) -> bool:
    """Whether slow scorers are deferred to the refiner.

    Embedded: the queue is a SQLite file in the data directory and ``earful run`` (or ``earful
    refine``) refines. With EARFUL_REDIS_URL the queue lives in Redis and every ``earful worker``
    refines in a background thread, so intake (rules, dedupe, indexing) never waits on e5.
    """
    return settings.sentiment_refine and router.has_slow_scorers


def _queue(settings: Settings) -> RefineQueue:
    if settings.redis_url:
        from workers.refine_redis import RedisRefineQueue

        return RedisRefineQueue.from_url(settings.redis_url)
    return SQLiteRefineQueue(refine_queue_path(settings))


def open_refine_queue(settings: Settings, router: SentimentRouter) -> RefineQueue | None:
    """Redis with EARFUL_REDIS_URL, else SQLite; None when nothing is deferred."""
    return _queue(settings) if refines(settings, router) else None


def open_refiner(settings: Settings, index: IndexBackend | Callable[[], IndexBackend]) -> Refiner | None:
    """The refiner settings ask for, or None when nothing is deferred to it (here).

    ``index`` may be a callable, so that nothing is opened when there is nothing to refine. With
    EARFUL_REDIS_URL, processes that only enqueue (``earful run``/``collect`` pass their runtime's
    lazy, read-only index as a callable) get None: the workers, which write the index, refine.
    """
    router = router_from_settings(settings)
    if not refines(settings, router) or (settings.redis_url and callable(index)):
        return None
    backend = index() if callable(index) else index
    if not getattr(backend, "writable", True):
        return None
    return Refiner(_queue(settings), backend, router, batch_size=settings.refine_batch_size)


def start_refiner(refiner: Refiner, stop: threading.Event) -> threading.Thread:
    """``run_forever`` in a daemon thread (the engine releases the GIL while it embeds)."""
    thread = threading.Thread(target=refiner.run_forever, args=(stop,), name="refiner", daemon=True)
    thread.start()
    return thread
