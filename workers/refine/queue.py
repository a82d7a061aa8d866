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
