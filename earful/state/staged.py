"""Writes held back until ``commit``: a source's cursor advances only once its mentions are safe.

A collector reads and writes its crawl state (ETag, Last-Modified, Reddit cursors, seen ids) as it
goes; the run gives it a ``StagedState`` and commits it only after every collected mention is
indexed, queued or spooled. A crash before that leaves the old cursor, so the next run fetches
the same items again, and upserts by id make that harmless.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from earful.state.base import StateStore


class StagedState(StateStore):
    """Reads see the staged writes; the store underneath changes only on ``commit``."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self._staged: dict[str, dict[str, Any] | None] = {}  # None: deleted

    def get(self, key: str) -> dict[str, Any] | None:
        if key in self._staged:
            return copy.deepcopy(self._staged[key])
        return self.store.get(key)

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._staged[key] = copy.deepcopy(value)

    def delete(self, key: str) -> None:
        self._staged[key] = None

    def write(self, values: dict[str, dict[str, Any]], deletes: tuple[str, ...] = ()) -> None:
        for key, value in values.items():
            self.set(key, value)
        for key in deletes:
            self.delete(key)

    def items(self, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
        merged = {key: value for key, value in self.store.items(prefix) if key not in self._staged}
        merged.update({k: v for k, v in self._staged.items() if k.startswith(prefix) and v is not None})
        for key in sorted(merged):
            yield key, copy.deepcopy(merged[key])  # type: ignore[misc]

    def try_lock(self, name: str, owner: str, ttl: float) -> bool:
        return self.store.try_lock(name, owner, ttl)  # leases coordinate now: never staged

    def unlock(self, name: str, owner: str) -> None:
        self.store.unlock(name, owner)

    @property
    def staged(self) -> list[str]:
        return sorted(self._staged)

    def commit(self) -> None:
        """Write every staged change to the store, in one step."""
        values = {key: value for key, value in self._staged.items() if value is not None}
        self.store.write(values, tuple(key for key, value in self._staged.items() if value is None))
        self._staged.clear()

    def discard(self) -> None:
        self._staged.clear()
