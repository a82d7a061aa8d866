"""Crawl state in one SQLite file (WAL) under the data directory: the embedded default."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

from earful.state.base import StateStore, decode_state, encode_state


class SQLiteStateStore(StateStore):
    """State in one SQLite file (WAL), shared by threads and by processes."""

    _SCHEMA = """CREATE TABLE IF NOT EXISTS state (
        key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at REAL NOT NULL)"""
    _LOCKS = """CREATE TABLE IF NOT EXISTS leases (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires REAL NOT NULL)"""

    def __init__(self, path: Path | str, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._connection().execute(self._SCHEMA)
            self._connection().execute(self._LOCKS)

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

    def write(self, values: dict[str, dict[str, Any]], deletes: tuple[str, ...] = ()) -> None:
        rows = [(key, encode_state(key, value), time.time()) for key, value in values.items()]
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT INTO state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE "
                    "SET value = excluded.value, updated_at = excluded.updated_at", rows)
                conn.executemany("DELETE FROM state WHERE key = ?", [(key,) for key in deletes])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

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

    def try_lock(self, name: str, owner: str, ttl: float) -> bool:
        now = time.time()
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes too
            try:
                row = conn.execute("SELECT owner, expires FROM leases WHERE name = ?", (name,)).fetchone()
                free = row is None or row[0] == owner or row[1] <= now
                if free:
                    conn.execute("INSERT OR REPLACE INTO leases (name, owner, expires) VALUES (?, ?, ?)",
                                 (name, owner, now + ttl))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return free

    def unlock(self, name: str, owner: str) -> None:
        with self._lock:
            self._connection().execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
