"""Crawl state (ETags, cursors, last-seen ids) behind a small key -> JSON-object interface."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from earful.settings import Settings

logger = logging.getLogger(__name__)


class StateStore(ABC):
    """Small persistent map from string keys to JSON-serialisable dicts."""

    @abstractmethod
    def get(self, key: str) -> dict[str, Any] | None:
        """The value stored under ``key``, or None."""

    @abstractmethod
    def set(self, key: str, value: dict[str, Any]) -> None:
        """Store ``value`` under ``key``, replacing any previous value."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Forget ``key``; a missing key is not an error."""

    @abstractmethod
    def items(self, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
        """Every (key, value) whose key starts with ``prefix``, in key order."""

    def close(self) -> None:  # noqa: B027 - optional hook, not every backend holds resources
        """Release resources; the default does nothing."""


def decode_state(key: str, raw: str | bytes, where: object) -> dict[str, Any] | None:
    """A stored value, or None (logged) when it is not a JSON object."""
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        # Losing one crawl cursor only costs a full re-fetch; crashing the run would cost more.
        logger.warning("state %s in %s is not a JSON object; ignoring it", key, where)
        return None
    return value


def encode_state(key: str, value: dict[str, Any]) -> str:
    if not isinstance(key, str) or not key:
        raise ValueError("state keys must be non-empty strings")
    if not isinstance(value, dict):
        raise TypeError(f"state values must be dicts, got {type(value).__name__}")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class SQLiteStateStore(StateStore):
    """State in one SQLite file (WAL), shared by threads and by processes."""

    _SCHEMA = """CREATE TABLE IF NOT EXISTS state (
        key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at REAL NOT NULL)"""

    def __init__(self, path: Path | str, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._connection().execute(self._SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        # A connection must not cross fork(): a child process opens its own.
        if self._conn is None or self._pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={int(self._timeout * 1000)}")
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._connection().execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return decode_state(key, row[0], self.path) if row else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        encoded = encode_state(key, value)
        with self._lock:
            self._connection().execute(
                "INSERT INTO state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, encoded, time.time()))

    def delete(self, key: str) -> None:
        with self._lock:
            self._connection().execute("DELETE FROM state WHERE key = ?", (key,))

    def items(self, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
        # A range scan on the primary key (no LIKE escaping pitfalls): UTF-8 byte order is code
        # point order, so every key starting with the prefix sorts before its successor string.
        query, params = "SELECT key, value FROM state WHERE key >= ?", [prefix]
        if prefix and ord(prefix[-1]) < 0x10FFFF:
            query += " AND key < ?"
            successor = ord(prefix[-1]) + 1
            params.append(prefix[:-1] + chr(0xE000 if 0xD800 <= successor < 0xE000 else successor))
        with self._lock:
            rows = self._connection().execute(query + " ORDER BY key", params).fetchall()
        for key, raw in rows:
            if not key.startswith(prefix):
                break
            value = decode_state(key, raw, self.path)
            if value is not None:
                yield key, value

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()



def open_state(settings: Settings) -> StateStore:
    """Redis when EARFUL_REDIS_URL is set (shared by every process), else SQLite under EARFUL_DATA_DIR."""
    if settings.redis_url:
        from earful.state_redis import RedisStateStore

        return RedisStateStore.from_url(settings.redis_url)
    return SQLiteStateStore(settings.state_path)
