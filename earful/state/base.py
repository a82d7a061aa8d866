"""The state store interface: crawl state (ETags, cursors, last-seen ids) as key -> JSON object."""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any

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

    def write(self, values: dict[str, dict[str, Any]], deletes: tuple[str, ...] = ()) -> None:
        """Store every value and forget every key of ``deletes`` in one step: all of them or none.

        Backends override it with a transaction; this fallback (one write after another) is for
        stores that hold nothing durable.
        """
        for key, value in values.items():
            self.set(key, value)
        for key in deletes:
            self.delete(key)

    @abstractmethod
    def items(self, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
        """Every (key, value) whose key starts with ``prefix``, in key order."""

    @abstractmethod
    def try_lock(self, name: str, owner: str, ttl: float) -> bool:
        """Take the lease ``name`` for ``ttl`` seconds, or renew it if ``owner`` holds it already.

        False while another owner holds it unexpired. Atomic across threads and processes (and,
        with Redis, hosts): exactly one owner holds a lease at a time.
        """

    @abstractmethod
    def unlock(self, name: str, owner: str) -> None:
        """Give the lease back, if ``owner`` holds it (an expired or foreign lease is left alone)."""

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
