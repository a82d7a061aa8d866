"""The refine queue: ids of indexed mentions waiting for the accurate scorer; SQLite by default."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from earful.settings import Settings

LEASE_SECONDS = 60.0  # a batch taken by a refiner that died is handed out again after this
# Ids held for a batch being written become takeable after this if its writer died. A hold that runs
# out while the batch is still being written costs nothing: the writer adds the ids again once written.
HOLD_SECONDS = 60.0


class RefineQueue(ABC):
    """Ids of indexed mentions waiting for the accurate scorer. Adding an id twice keeps one entry."""

    @abstractmethod
    def add(self, ids: Sequence[str]) -> None:
        """Queue (or re-queue) these ids; a re-queued id is refined again even if taken now."""

    @abstractmethod
    def hold(self, ids: Sequence[str]) -> None:
        """Record ids about to be written to the index, not takeable yet; ``add`` once they are written.

        Held ids survive a crash between the write and ``add``: they become takeable after
        ``HOLD_SECONDS``, so no stored mention stays pending for ever. ``done`` leaves them alone.
        """

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

    def recover(self) -> None:  # noqa: B027 - optional hook
        """Called when the only refiner starts: what a dead process leased or held is handed out again now."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""


class SQLiteRefineQueue(RefineQueue):
    """The queue in one SQLite file (WAL) under the data directory; safe across threads and processes."""

    _SCHEMA = """CREATE TABLE IF NOT EXISTS refine (
        id TEXT PRIMARY KEY, queued_at REAL NOT NULL, leased_until REAL NOT NULL DEFAULT 0)"""
    _HELD = "ALTER TABLE refine ADD COLUMN held INTEGER NOT NULL DEFAULT 0"

    def __init__(self, path: Path | str, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        with self._lock:
            conn = self._connection()
            conn.execute(self._SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(refine)")}
            if "held" not in columns:  # a queue file from before held ids
                conn.execute(self._HELD)

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
        self._put(ids, hold=False)

    def hold(self, ids: Sequence[str]) -> None:
        self._put(ids, hold=True)

    def _put(self, ids: Sequence[str], *, hold: bool) -> None:
        """Insert or update ids: takeable now (leased_until 0), or held until the hold runs out."""
        if not ids:
            return
        now = time.time()
        until = now + HOLD_SECONDS if hold else 0
        with self._lock, self._transaction() as conn:
            conn.executemany(
                "INSERT INTO refine (id, queued_at, leased_until, held) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET leased_until = excluded.leased_until, held = excluded.held",
                [(i, now, until, int(hold)) for i in dict.fromkeys(ids)])

    def take(self, limit: int) -> list[str]:
        now = time.time()
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                rows = conn.execute("SELECT id FROM refine WHERE leased_until < ? ORDER BY queued_at, id LIMIT ?",
                                    (now, limit)).fetchall()
                ids = [row[0] for row in rows]
                conn.executemany("UPDATE refine SET leased_until = ?, held = 0 WHERE id = ?",
                                 [(now + LEASE_SECONDS, i) for i in ids])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return ids

    def done(self, ids: Sequence[str]) -> None:
        with self._lock, self._transaction() as conn:
            conn.executemany("DELETE FROM refine WHERE id = ? AND leased_until > 0 AND held = 0", [(i,) for i in ids])

    def release(self, ids: Sequence[str]) -> None:
        with self._lock, self._transaction() as conn:
            conn.executemany("UPDATE refine SET leased_until = 0 WHERE id = ? AND held = 0", [(i,) for i in ids])

    def recover(self) -> None:
        # Held ids too: a writer in this process adds its ids again after writing them.
        with self._lock, self._transaction() as conn:
            conn.execute("UPDATE refine SET leased_until = 0, held = 0 WHERE leased_until > 0")

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
